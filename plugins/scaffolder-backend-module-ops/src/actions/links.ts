/** Where the portal shows a change request (the frontend's `/changes` page). */
export function linksOf(
  appBaseUrl: string | undefined,
  id: string,
): { link: string; url?: string } {
  const link = `/changes/${encodeURIComponent(id)}`;
  return {
    link,
    url: appBaseUrl ? `${appBaseUrl.replace(/\/+$/, '')}${link}` : undefined,
  };
}
