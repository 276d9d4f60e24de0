import { useState } from 'react';
import {
  Content,
  ErrorPanel,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import { configApiRef, IdentityApi, useApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { exampleUsers } from './exampleUsers';

/** Where the chosen way of signing in is kept, so a reload signs in again. */
const STORAGE_KEY = '@opsportal/app:sign-in';
/** Must match the backend's example-user provider. */
const EXAMPLE_USER_HEADER = 'x-opsportal-example-user';

type Choice =
  | { provider: 'guest' }
  | { provider: 'example-user'; user: string };

function readChoice(): Choice | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (value?.provider === 'guest') return { provider: 'guest' };
    if (value?.provider === 'example-user' && typeof value.user === 'string') {
      return { provider: 'example-user', user: value.user };
    }
  } catch {
    // A broken value means no choice.
  }
  return undefined;
}

/** The identity, with sign-out also forgetting the choice. */
class ForgetOnSignOut implements IdentityApi {
  constructor(private readonly inner: IdentityApi) {}
  getProfileInfo() {
    return this.inner.getProfileInfo();
  }
  getBackstageIdentity() {
    return this.inner.getBackstageIdentity();
  }
  getCredentials() {
    return this.inner.getCredentials();
  }
  async signOut() {
    localStorage.removeItem(STORAGE_KEY);
    await this.inner.signOut();
  }
}

/**
 * The demo portal's sign-in page: "Enter" as the guest (a member of the dev
 * team), or, in development only, as any example user of the catalog, e.g.
 * an approver. The backend refuses the example users outside development.
 */
export function OpsSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const [choice, setChoice] = useState<Choice | undefined>(readChoice);

  const choose = (next: Choice) => {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setChoice(next);
  };
  const forget = () => {
    localStorage.removeItem(STORAGE_KEY);
    setChoice(undefined);
  };

  if (choice) {
    return (
      <ProxiedSignInPage
        key={JSON.stringify(choice)}
        provider={choice.provider}
        headers={
          choice.provider === 'example-user'
            ? { [EXAMPLE_USER_HEADER]: choice.user }
            : undefined
        }
        onSignInSuccess={identity =>
          props.onSignInSuccess(new ForgetOnSignOut(identity))
        }
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Header
              title={configApi.getOptionalString('app.title') ?? 'Backstage'}
            />
            <Content>
              <ErrorPanel
                title="Could not sign in"
                error={error ?? new Error('Unknown error')}
              />
              <Button
                variant="outlined"
                onClick={forget}
                style={{ marginTop: 16 }}
              >
                Back to sign-in
              </Button>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header title={configApi.getOptionalString('app.title') ?? 'Backstage'} />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={4}>
            <InfoCard
              title="Guest"
              actions={
                <Button
                  color="primary"
                  variant="outlined"
                  onClick={() => choose({ provider: 'guest' })}
                >
                  Enter
                </Button>
              }
            >
              <Typography variant="body1">
                Sign in as the guest, a member of the development team.
              </Typography>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={8}>
            <InfoCard
              title="Sign in as an example user"
              subheader="Development only: the people of the example platform, to try what each role sees."
            >
              <List aria-label="Example users" dense>
                {exampleUsers.map(user => (
                  <ListItem
                    key={user.name}
                    button
                    onClick={() =>
                      choose({ provider: 'example-user', user: user.name })
                    }
                    aria-label={`Sign in as ${user.displayName} (${user.name})`}
                  >
                    <ListItemText
                      primary={user.displayName}
                      secondary={`${user.team}${
                        user.approver ? ' · approves change requests' : ''
                      }`}
                    />
                  </ListItem>
                ))}
              </List>
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
