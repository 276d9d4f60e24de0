// @ts-check

/**
 * Incident roles (Incident Commander, Technical Lead, Communications Lead):
 * PagerDuty cannot hold them, so the portal stores who holds each role of an
 * incident, and every assignment in an append-only history for the
 * incident's timeline. Times are stored in UTC.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_incident_roles', table => {
    table.comment('Who holds each role of an incident now');
    table
      .string('incident_id', 64)
      .notNullable()
      .comment("The paging tool's incident id");
    table
      .string('role', 32)
      .notNullable()
      .comment('commander|technical-lead|communications-lead');
    table.string('user_ref', 255).notNullable().comment('User entity ref');
    table.string('assigned_by', 255).notNullable().comment('User entity ref');
    table.dateTime('assigned_at', { precision: 3 }).notNullable();
    table
      .integer('version')
      .notNullable()
      .comment('Optimistic concurrency: grows with every assignment');
    table.primary(['incident_id', 'role']);
  });

  await knex.schema.createTable('ops_incident_role_history', table => {
    table.comment('Append-only history of role assignments (timeline)');
    table.increments('id').primary();
    table.string('incident_id', 64).notNullable();
    table.string('role', 32).notNullable();
    table.string('user_ref', 255).notNullable();
    table.string('assigned_by', 255).notNullable();
    table.dateTime('assigned_at', { precision: 3 }).notNullable();
    table.index(['incident_id', 'id'], 'ops_irh_incident_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_incident_role_history');
  await knex.schema.dropTable('ops_incident_roles');
};
