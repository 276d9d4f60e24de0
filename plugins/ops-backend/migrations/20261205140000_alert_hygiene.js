// @ts-check

/**
 * Alert hygiene (docs/alerts.md):
 * - ops_alarm_transitions: alarm state changes read from CloudWatch's alarm
 *   history (which keeps 30 days), kept here so that 90-day questions
 *   ("never fired") can be answered; trimmed to the configured retention.
 * - ops_alarm_history_marks: per region, how far the history has been read
 *   and since when the portal has it.
 * - ops_alarm_reviews: the monthly alarm review's outcomes.
 * - ops_change_maintenance_windows: the PagerDuty maintenance window the
 *   portal opened for a change request (one per change; the primary key
 *   makes opening it idempotent across replicas and restarts).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_alarm_transitions', table => {
    table.comment('Alarm state changes from the CloudWatch alarm history');
    table.bigIncrements('id').primary();
    table
      .string('region', 64)
      .notNullable()
      .defaultTo('')
      .comment('AWS region; empty for the provider default');
    table.string('alarm_name', 255).notNullable();
    table.dateTime('at', { precision: 3 }).notNullable();
    table.string('from_state', 24).nullable();
    table.string('to_state', 24).notNullable();
    table.unique(['region', 'alarm_name', 'at', 'to_state'], {
      indexName: 'ops_alarm_transitions_uniq',
    });
    table.index(['at'], 'ops_alarm_transitions_at_idx');
  });
  await knex.schema.createTable('ops_alarm_history_marks', table => {
    table.comment('How far the alarm history of a region has been read');
    table.string('region', 64).primary();
    table
      .dateTime('observed_since', { precision: 3 })
      .notNullable()
      .comment('Earliest time the stored history covers');
    table
      .dateTime('read_until', { precision: 3 })
      .notNullable()
      .comment('History before this time has been read');
    table.dateTime('updated_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable('ops_alarm_reviews', table => {
    table.comment('Reviews of alarms (the monthly alert review)');
    table.string('id', 36).primary();
    table.string('region', 64).notNullable().defaultTo('');
    table.string('alarm_name', 255).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('outcome', 32).notNullable();
    table.text('note').notNullable();
    table.string('reviewed_by', 255).notNullable();
    table.dateTime('reviewed_at', { precision: 3 }).notNullable();
    table.index(['alarm_name', 'region'], 'ops_alarm_reviews_alarm_idx');
    table.index(['reviewed_at'], 'ops_alarm_reviews_at_idx');
  });
  await knex.schema.createTable('ops_change_maintenance_windows', table => {
    table.comment('PagerDuty maintenance windows opened for change requests');
    table.string('change_request_id', 64).primary();
    table
      .text('service_ids')
      .notNullable()
      .comment('JSON array of PagerDuty service ids');
    table.dateTime('start_at', { precision: 3 }).notNullable();
    table.dateTime('end_at', { precision: 3 }).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, open, ended or failed');
    table.string('window_id', 64).nullable();
    table.string('html_url', 512).nullable();
    table.text('error').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.dateTime('updated_at', { precision: 3 }).notNullable();
    table.index(['status'], 'ops_change_mw_status_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_change_maintenance_windows');
  await knex.schema.dropTable('ops_alarm_reviews');
  await knex.schema.dropTable('ops_alarm_history_marks');
  await knex.schema.dropTable('ops_alarm_transitions');
};
