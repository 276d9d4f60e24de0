import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ChangeRequestDetail,
  CreateChangeRequestInput,
} from '@opsportal/plugin-ops-common';

/**
 * An answer of the ops API that was not a success, with the API's own
 * message (which names the field, the permission or the policy rule).
 */
export class OpsApiError extends Error {
  readonly name = 'OpsApiError';
  constructor(
    message: string,
    /** The HTTP status the ops API answered. */
    readonly status: number,
    /** The message of the API's error body, as the API wrote it. */
    readonly apiMessage: string,
  ) {
    super(message);
  }
}

/** What a request was for, in the words of an error message. */
interface Call {
  /** e.g. `file the change request`. */
  doing: string;
  /** The permission the ops API checks for this call, named on a 403. */
  permission: string;
}

/**
 * The slice of the ops REST API (`/api/ops`) the scaffolder actions use,
 * called over HTTP on behalf of the user who ran the template: the API's own
 * validation, permissions and change policy apply to them as to the form.
 */
export class OpsChangeRequestClient {
  constructor(
    private readonly deps: {
      discovery: DiscoveryService;
      auth: AuthService;
    },
  ) {}

  /** `POST /change-requests` (with `action: submit` to file and submit at once). */
  create(
    body: CreateChangeRequestInput,
    credentials: BackstageCredentials,
  ): Promise<ChangeRequestDetail> {
    return this.request('POST', '/change-requests', credentials, {
      body,
      call: {
        doing: 'file the change request',
        permission:
          body.action === 'submit'
            ? 'ops.change-request.create (and ops.change-request.update to submit it)'
            : 'ops.change-request.create',
      },
    });
  }

  /** `GET /change-requests/:id`. */
  get(
    id: string,
    credentials: BackstageCredentials,
    signal?: AbortSignal,
  ): Promise<ChangeRequestDetail> {
    return this.request(
      'GET',
      `/change-requests/${encodeURIComponent(id)}`,
      credentials,
      {
        signal,
        call: {
          doing: `read ${id}`,
          permission: 'ops.change-request.read',
        },
      },
    );
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    credentials: BackstageCredentials,
    options: { body?: unknown; signal?: AbortSignal; call: Call },
  ): Promise<T> {
    const baseUrl = await this.deps.discovery.getBaseUrl('ops');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: 'ops',
    });
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(options.body !== undefined && {
          'Content-Type': 'application/json',
        }),
      },
      body:
        options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: options.signal,
    });
    if (!response.ok) {
      throw await errorOf(response, `${method} /api/ops${path}`, options.call);
    }
    return (await response.json()) as T;
  }
}

/** The ops API's error body `{ error: { message } }`, or the raw text. */
async function apiMessageOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const message = JSON.parse(text)?.error?.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // Not JSON: a proxy's page or an empty body.
  }
  return text.trim().slice(0, 500) || response.statusText || 'no message';
}

/**
 * The error an action fails with: the API's message as it wrote it, what
 * was being done, the route and status, and on a 401 or 403 the permission
 * the API checks.
 */
async function errorOf(
  response: Response,
  route: string,
  call: Call,
): Promise<OpsApiError> {
  const apiMessage = await apiMessageOf(response);
  const { status } = response;
  const where = `(${status} from ${route})`;
  let message: string;
  if (status === 400) {
    message = `The ops API refused to ${call.doing}: ${apiMessage} ${where}`;
  } else if (status === 401 || status === 403) {
    message = `Not allowed to ${call.doing}: ${apiMessage} ${where}; the ops API checks ${call.permission} for the user who ran the template`;
  } else {
    message = `Could not ${call.doing}: ${apiMessage} ${where}`;
  }
  return new OpsApiError(message, status, apiMessage);
}
