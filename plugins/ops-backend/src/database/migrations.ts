import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@opsportal/plugin-ops-backend',
  'migrations',
);

/**
 * Brings the ops plugin's tables up to date. Every feature's tables live in
 * the one `migrations/` folder (dated files with up and down), so that one
 * migration history describes the plugin's database.
 */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: migrationsDir,
    tableName: 'ops_knex_migrations',
  });
}

/** Rolls every migration back (tests of the down migrations). */
export async function rollbackDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.rollback(
    { directory: migrationsDir, tableName: 'ops_knex_migrations' },
    true,
  );
}
