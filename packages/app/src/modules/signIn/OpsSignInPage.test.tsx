import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { discoveryApiRef } from '@backstage/core-plugin-api';
import { OpsSignInPage } from './OpsSignInPage';

/** An auth backend that is not there: nothing listens on port 9. */
const unreachable = {
  getBaseUrl: async (plugin: string) => `http://127.0.0.1:9/api/${plugin}`,
};

function renderPage() {
  return renderInTestApp(
    <TestApiProvider apis={[[discoveryApiRef, unreachable]]}>
      <OpsSignInPage onSignInSuccess={() => {}} />
    </TestApiProvider>,
  );
}

describe('OpsSignInPage', () => {
  afterEach(() => localStorage.clear());

  it('offers the guest and the example users, marking the approvers', async () => {
    await renderPage();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    const users = screen.getByRole('list', { name: 'Example users' });
    expect(users).toHaveTextContent(
      'Alice ChenSRE Team · approves change requests',
    );
    expect(users).toHaveTextContent('Jamal ReedDevelopment Team');
    expect(users).not.toHaveTextContent(
      'Jamal ReedDevelopment Team · approves',
    );
  });

  it('remembers the choice, and goes back to the choice when sign-in fails', async () => {
    await renderPage();
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Sign in as Alice Chen (alice-chen)',
      }),
    );
    expect(JSON.parse(localStorage.getItem('@opsportal/app:sign-in')!)).toEqual(
      { provider: 'example-user', user: 'alice-chen' },
    );
    expect(screen.queryByRole('list', { name: 'Example users' })).toBeNull();

    expect(await screen.findByText(/Could not sign in/)).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Back to sign-in' }),
    );
    expect(localStorage.getItem('@opsportal/app:sign-in')).toBeNull();
    expect(
      screen.getByRole('list', { name: 'Example users' }),
    ).toBeInTheDocument();
  });
});
