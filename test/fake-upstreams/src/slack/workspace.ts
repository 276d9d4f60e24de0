/** A member of the fake Slack workspace. */
export interface FakeSlackUser {
  /** Slack user ID, `U…`. */
  id: string;
  /** The handle (`name` in `users.info`). */
  name: string;
  realName: string;
  email: string;
}

/** A public channel of the fake Slack workspace. */
export interface FakeSlackChannel {
  /** Slack channel ID, `C…`. */
  id: string;
  /** Without the leading `#`. */
  name: string;
  /**
   * Whether the bot was added to the channel (default true). A bot token
   * can post only to channels it is a member of (`not_in_channel`).
   */
  botIsMember?: boolean;
}

export interface FakeSlackWorkspace {
  teamId: string;
  /** The bot the token belongs to. */
  bot: { userId: string; botId: string; appId: string; name: string };
  users: FakeSlackUser[];
  channels: FakeSlackChannel[];
}

const person = (id: string, handle: string, realName: string) => ({
  id,
  name: handle,
  realName,
  email: `${handle}@ecommerce-platform.com`,
});

/**
 * The example organisation (examples/org.yaml) as a Slack workspace: every
 * person with the same e-mail address as in the catalog, and a channel per
 * team that approves changes.
 */
export function exampleWorkspace(): FakeSlackWorkspace {
  return {
    teamId: 'T0ECOMMRC',
    bot: {
      userId: 'U0OPSBOT01',
      botId: 'B0OPSBOT01',
      appId: 'A0OPSPORTL',
      name: 'ops-portal',
    },
    users: [
      person('U0MARIAGAR', 'maria.garcia', 'Maria Garcia'),
      person('U0ALICECHN', 'alice.chen', 'Alice Chen'),
      person('U0BRUNOSLV', 'bruno.silva', 'Bruno Silva'),
      person('U0CHLOEMRT', 'chloe.martin', 'Chloe Martin'),
      person('U0DMITRIIV', 'dmitri.ivanov', 'Dmitri Ivanov'),
      person('U0EMMAWLSN', 'emma.wilson', 'Emma Wilson'),
      person('U0FARIDHDD', 'farid.haddad', 'Farid Haddad'),
      person('U0GRACELEE', 'grace.lee', 'Grace Lee'),
      person('U0HIROTNKA', 'hiro.tanaka', 'Hiro Tanaka'),
      person('U0ISABELGM', 'isabel.gomez', 'Isabel Gomez'),
      person('U0JAMALRED', 'jamal.reed', 'Jamal Reed'),
      person('U0GUESTUSR', 'guest', 'Guest'),
    ],
    channels: [
      { id: 'C0SRETEAM1', name: 'sre-team' },
      { id: 'C0DEVOPST1', name: 'devops-team' },
      { id: 'C0OPSCHNG1', name: 'ops-changes' },
      { id: 'C0GENERAL1', name: 'general', botIsMember: false },
    ],
  };
}
