/**
 * The people of the example platform (examples/org.yaml) one can sign in as
 * locally, to try what each role sees: approvers are in the SRE and DevOps
 * teams under the demo permission policy.
 */
export interface ExampleUser {
  /** Catalog name, e.g. alice-chen. */
  name: string;
  displayName: string;
  team: string;
  /** May approve change requests and review emergency changes. */
  approver: boolean;
}

export const exampleUsers: ExampleUser[] = [
  {
    name: 'alice-chen',
    displayName: 'Alice Chen',
    team: 'SRE Team',
    approver: true,
  },
  {
    name: 'bruno-silva',
    displayName: 'Bruno Silva',
    team: 'SRE Team',
    approver: true,
  },
  {
    name: 'chloe-martin',
    displayName: 'Chloe Martin',
    team: 'SRE Team',
    approver: true,
  },
  {
    name: 'dmitri-ivanov',
    displayName: 'Dmitri Ivanov',
    team: 'DevOps Team',
    approver: true,
  },
  {
    name: 'emma-wilson',
    displayName: 'Emma Wilson',
    team: 'DevOps Team',
    approver: true,
  },
  {
    name: 'farid-haddad',
    displayName: 'Farid Haddad',
    team: 'DevOps Team',
    approver: true,
  },
  {
    name: 'maria-garcia',
    displayName: 'Maria Garcia',
    team: 'Engineering Manager',
    approver: false,
  },
  {
    name: 'grace-lee',
    displayName: 'Grace Lee',
    team: 'Support Team',
    approver: false,
  },
  {
    name: 'hiro-tanaka',
    displayName: 'Hiro Tanaka',
    team: 'Support Team',
    approver: false,
  },
  {
    name: 'isabel-gomez',
    displayName: 'Isabel Gomez',
    team: 'Development Team',
    approver: false,
  },
  {
    name: 'jamal-reed',
    displayName: 'Jamal Reed',
    team: 'Development Team',
    approver: false,
  },
];
