/** The console's host for a region (China and GovCloud have their own). */
function consoleHost(region: string): string {
  if (region.startsWith('cn-')) return 'https://console.amazonaws.cn';
  if (region.startsWith('us-gov-')) {
    return 'https://console.amazonaws-us-gov.com';
  }
  return 'https://console.aws.amazon.com';
}

/** X-Ray's filter expression for traces through any of the services. */
export function xrayServiceFilter(services: string[], faults = false): string {
  const quote = (name: string) =>
    `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return services
    .map(name =>
      faults
        ? `service(${quote(name)}) { fault = true OR error = true }`
        : `service(${quote(name)})`,
    )
    .join(' OR ');
}

/**
 * X-Ray console links (its documented deep links, which the console keeps
 * serving inside CloudWatch): the traces of the last hour through the
 * services, the same limited to traces where they answered an error or a
 * fault, and the region's service map over the last hour.
 */
export function xrayConsoleUrls(options: {
  region: string;
  services: string[];
}): { tracesUrl: string; faultTracesUrl: string; serviceMapUrl: string } {
  const home = `${consoleHost(
    options.region,
  )}/xray/home?region=${encodeURIComponent(options.region)}`;
  const traces = (filter: string) =>
    `${home}#/traces?timeRange=PT1H&filter=${encodeURIComponent(filter)}`;
  return {
    tracesUrl: traces(xrayServiceFilter(options.services)),
    faultTracesUrl: traces(xrayServiceFilter(options.services, true)),
    serviceMapUrl: `${home}#/service-map?timeRange=PT1H`,
  };
}
