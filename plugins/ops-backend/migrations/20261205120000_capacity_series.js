// @ts-check

/**
 * The capacity refresh's stored series: each metric's recent datapoints
 * (1-minute values of the last 15 days, 5-minute values of the rest of the
 * trigger window, hourly values of 90 days) in chunks of 1,440 periods, as
 * little-endian doubles (NaN where there is no datapoint). A refresh reads
 * only the time since the last one from CloudWatch and rewrites only the
 * chunks it touched; replicas and restarts continue from these rows.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_capacity_series', table => {
    table.comment('Capacity metric datapoints per entity, metric and window');
    table.string('entity_ref', 255).notNullable();
    table.string('metric_id', 64).notNullable();
    table
      .string('series_window', 16)
      .notNullable()
      .comment('hourly, fine (5-minute) or minute');
    table
      .bigInteger('chunk_start')
      .notNullable()
      .comment('Epoch ms of the chunk’s first slot');
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment(
        'Hash of the queries the values answer; a change invalidates them',
      );
    table.integer('period_seconds').notNullable();
    table
      .bigInteger('covered_from')
      .notNullable()
      .comment('Epoch ms from which the chunk holds what CloudWatch answered');
    table
      .bigInteger('covered_to')
      .notNullable()
      .comment('Epoch ms up to which the chunk holds what CloudWatch answered');
    table
      .binary('data')
      .notNullable()
      .comment('Float64 little-endian per slot, NaN = no datapoint');
    table.dateTime('updated_at', { precision: 3 }).notNullable();
    table.primary(['entity_ref', 'metric_id', 'series_window', 'chunk_start']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_capacity_series');
};
