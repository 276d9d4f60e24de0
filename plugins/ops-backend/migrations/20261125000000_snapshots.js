// @ts-check

/**
 * Snapshots: the last good answer of an upstream for one entity and feature
 * (SLO status, on-call, capacity...), with the time it was fetched and the
 * last refresh error; and a daily history of them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_snapshots', table => {
    table.comment('Last good upstream answer per feature and key');
    table.string('kind', 64).notNullable().comment('Feature, e.g. slo, oncall');
    table.string('key', 255).notNullable().comment('Entity ref or other key');
    table
      .text('data', 'longtext')
      .nullable()
      .comment('JSON of the last good answer');
    table.dateTime('fetched_at', { precision: 3 }).nullable();
    table.dateTime('attempted_at', { precision: 3 }).notNullable();
    table.text('error').nullable().comment('Last refresh error, if it failed');
    table.primary(['kind', 'key']);
  });
  await knex.schema.createTable('ops_snapshot_history', table => {
    table.comment('One snapshot per feature, key and day');
    table.string('kind', 64).notNullable();
    table.string('key', 255).notNullable();
    table.string('day', 10).notNullable().comment('UTC day, YYYY-MM-DD');
    table.text('data', 'longtext').notNullable();
    table.dateTime('recorded_at', { precision: 3 }).notNullable();
    table.primary(['kind', 'key', 'day']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_snapshot_history');
  await knex.schema.dropTable('ops_snapshots');
};
