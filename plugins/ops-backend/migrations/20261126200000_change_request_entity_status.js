// @ts-check

/**
 * The change's status next to each affected entity, so that the most common
 * list (one entity's changes in some statuses) is served by one index
 * instead of joining two large filters. Kept in step by every transition.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ops_change_request_entities', table => {
    table
      .string('status', 32)
      .nullable()
      .comment('Copy of the change request status');
  });
  await knex('ops_change_request_entities').update({
    status: knex('ops_change_requests')
      .select('status')
      .where('id', knex.ref('ops_change_request_entities.change_id')),
  });
  await knex.schema.alterTable('ops_change_request_entities', table => {
    table.index(
      ['entity_ref', 'status', 'change_id'],
      'ops_cre_entity_status_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ops_change_request_entities', table => {
    table.dropIndex(
      ['entity_ref', 'status', 'change_id'],
      'ops_cre_entity_status_idx',
    );
  });
  await knex.schema.alterTable('ops_change_request_entities', table => {
    table.dropColumn('status');
  });
};
