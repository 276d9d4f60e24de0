import { noAnswer, UpstreamTelemetry } from '@opsportal/plugin-ops-node';
import { PagerDutyError } from './errors';

/** The token request as `opsportal.upstream.requests` names it. */
const TOKEN_OPERATION = 'POST /oauth/token';

/**
 * How requests authenticate: a REST API token, or an OAuth access token
 * obtained with client credentials (scoped app) and renewed before it expires.
 * @public
 */
export interface PagerDutyAuth {
  /** The `Authorization` header value. */
  header(): Promise<string>;
  /** Forget a token PagerDuty refused (OAuth fetches a new one). */
  invalidate(): void;
  /** Whether a refused token can be replaced by a new one. */
  readonly refreshable: boolean;
}

/** `Authorization: Token token=<token>`. @public */
export class TokenAuth implements PagerDutyAuth {
  readonly refreshable = false;
  constructor(private readonly token: string) {}
  async header() {
    return `Token token=${this.token}`;
  }
  invalidate() {}
}

/** Options of {@link OAuthClientCredentials}. @public */
export interface OAuthClientCredentialsOptions {
  clientId: string;
  clientSecret: string;
  /** Token endpoint, default `https://identity.pagerduty.com/oauth/token`. */
  tokenUrl: string;
  /** Scope, e.g. `as_account-us.mycompany services.read ...`. */
  scope: string;
  requestTimeoutMs: number;
  /** Counts the token requests with the API's (`opsportal.upstream.*`). */
  telemetry?: UpstreamTelemetry;
}

/**
 * OAuth 2.0 client credentials for a PagerDuty scoped app. Concurrent
 * callers share one token request; the token is renewed a minute before it
 * expires or when PagerDuty refuses it.
 * @public
 */
export class OAuthClientCredentials implements PagerDutyAuth {
  readonly refreshable = true;
  private token?: { value: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(private readonly options: OAuthClientCredentialsOptions) {}

  async header() {
    if (this.token && this.token.expiresAt > Date.now()) {
      return `Bearer ${this.token.value}`;
    }
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return `Bearer ${await this.pending}`;
  }

  invalidate() {
    this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const { telemetry } = this.options;
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    const response = await fetch(this.options.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
        scope: this.options.scope,
      }).toString(),
      signal: timeout,
    }).catch(error => {
      telemetry?.request(TOKEN_OPERATION, noAnswer(undefined, timeout));
      throw new PagerDutyError(
        `PagerDuty's OAuth token endpoint could not be reached: ${error.message}`,
        0,
        'oauth/token',
      );
    });
    telemetry?.request(TOKEN_OPERATION, { status: response.status });
    const body = await response.json().catch(() => undefined);
    if (!response.ok || typeof body?.access_token !== 'string') {
      throw new PagerDutyError(
        `PagerDuty refused the OAuth client credentials (${response.status}): check ops.pagerduty.oauth`,
        response.status,
        'oauth/token',
      );
    }
    const lifetime = Number(body.expires_in ?? 3600) * 1000;
    this.token = {
      value: body.access_token,
      expiresAt: Date.now() + Math.max(lifetime - 60_000, lifetime / 2),
    };
    return body.access_token;
  }
}
