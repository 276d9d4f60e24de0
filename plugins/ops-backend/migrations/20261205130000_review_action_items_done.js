// @ts-check

/**
 * When an action item of a post-incident review was marked done: the KPI
 * "action items overdue" counts, for any past day, the items that were past
 * their due date and not yet done on that day.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ops_review_action_items', table => {
    table
      .dateTime('done_at', { precision: 3 })
      .nullable()
      .comment('When the item was marked done (cleared when reopened)');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ops_review_action_items', table => {
    table.dropColumn('done_at');
  });
};
