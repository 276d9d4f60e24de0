// @ts-check

/**
 * Refresh status (docs/telemetry.md): per scheduler task (one row per
 * shard), when it last started, succeeded and failed, the last failure's
 * short message and how long the last run took. Written by the central
 * task wrapper (lib/telemetry), read by GET /api/ops/health.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_refresh_status', table => {
    table.comment('Last runs of the ops refresh tasks, per task id');
    table
      .string('task_id', 191)
      .primary()
      .comment('Scheduler task id, e.g. ops-slo-refresh-shard-1-of-4');
    table.string('feature', 64).notNullable().comment('e.g. slo, oncall');
    table.dateTime('last_started_at', { precision: 3 }).nullable();
    table.dateTime('last_success_at', { precision: 3 }).nullable();
    table.dateTime('last_failure_at', { precision: 3 }).nullable();
    table
      .string('last_error', 300)
      .nullable()
      .comment('Short message of the last failure (no secrets, no bodies)');
    table
      .string('last_outcome', 16)
      .nullable()
      .comment('success, partial or failure');
    table.integer('last_duration_ms').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_refresh_status');
};
