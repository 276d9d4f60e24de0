// @ts-check

/**
 * Change requests (the seed's change management): the request itself, the
 * catalog entities it affects, and the append-only history of every step.
 * Times are stored in UTC.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_change_requests', table => {
    table.comment('Change requests; the human id is CHG-(1000 + id)');
    table.increments('id').primary();
    table
      .string('uid', 36)
      .notNullable()
      .unique()
      .comment('Random id given at insert, to read the new row back');
    table.string('title', 200).notNullable();
    table.text('description').notNullable();
    table
      .string('category', 16)
      .notNullable()
      .comment('standard|normal|emergency');
    table.string('risk', 16).notNullable().comment('low|medium|high');
    table.string('standard_type', 100).nullable();
    table.text('justification').nullable();
    table.dateTime('planned_start', { precision: 3 }).notNullable();
    table.dateTime('planned_end', { precision: 3 }).notNullable();
    table.text('implementation_plan').notNullable();
    table.text('rollback_plan').notNullable();
    table.text('test_plan').notNullable();
    table.string('requester', 255).notNullable().comment('User entity ref');
    table.string('status', 32).notNullable();
    table.string('outcome', 32).nullable();
    table
      .integer('version')
      .notNullable()
      .comment('Optimistic concurrency: grows with every write');
    table.dateTime('created_at', { precision: 3 }).notNullable();
    table.dateTime('updated_at', { precision: 3 }).notNullable();
    table.dateTime('submitted_at', { precision: 3 }).nullable();
    table.dateTime('started_at', { precision: 3 }).nullable();
    table.dateTime('finished_at', { precision: 3 }).nullable();

    // The list's sort orders, alone and under a status filter.
    table.index(['status', 'created_at', 'id'], 'ops_cr_status_created_idx');
    table.index(['status', 'planned_start', 'id'], 'ops_cr_status_planned_idx');
    table.index(['created_at', 'id'], 'ops_cr_created_idx');
    table.index(['updated_at', 'id'], 'ops_cr_updated_idx');
    table.index(['planned_start', 'id'], 'ops_cr_planned_idx');
    table.index(['requester', 'created_at'], 'ops_cr_requester_idx');
    table.index(['finished_at'], 'ops_cr_finished_idx');
  });

  await knex.schema.createTable('ops_change_request_entities', table => {
    table.comment('Catalog entities a change request affects');
    table
      .integer('change_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('ops_change_requests')
      .onDelete('CASCADE');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Lower-case entity ref');
    table.primary(['change_id', 'entity_ref']);
    table.index(['entity_ref', 'change_id'], 'ops_cre_entity_idx');
  });

  await knex.schema.createTable('ops_change_request_history', table => {
    table.comment('Append-only history of every step of a change request');
    table.increments('id').primary();
    table
      .integer('change_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('ops_change_requests')
      .onDelete('CASCADE');
    table
      .integer('version')
      .notNullable()
      .comment('Version of the change request after this step');
    table.string('actor', 255).notNullable().comment('User entity ref');
    table.dateTime('at', { precision: 3 }).notNullable();
    table.string('action', 32).notNullable();
    table.string('from_status', 32).nullable();
    table.string('to_status', 32).notNullable();
    table.text('comment').nullable();
    // Two writers can never both record the same step.
    table.unique(['change_id', 'version'], {
      indexName: 'ops_crh_change_version_uq',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_change_request_history');
  await knex.schema.dropTable('ops_change_request_entities');
  await knex.schema.dropTable('ops_change_requests');
};
