// @ts-check

/**
 * Post-incident reviews (required after P1/P2 incidents and emergency
 * changes) and their action items. One review per subject: the unique key
 * lets two replicas try to create the same review and keep one. Times are
 * stored in UTC; due dates are calendar dates (`YYYY-MM-DD`) of the
 * business calendar.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ops_incident_reviews', table => {
    table.comment('Post-incident reviews; the human id is PIR-<id>');
    table.increments('id').primary();
    table.string('subject_kind', 16).notNullable().comment('incident|change');
    table
      .string('subject_id', 64)
      .notNullable()
      .comment("PagerDuty's incident id or the change request id (CHG-n)");
    table.string('title', 500).notNullable();
    table.string('severity', 8).nullable().comment('P1..P4 (incidents)');
    table
      .text('entity_refs')
      .notNullable()
      .comment('JSON array of lower-case entity refs');
    table.string('owner', 255).nullable().comment('User entity ref');
    table.string('due_date', 10).notNullable().comment('YYYY-MM-DD');
    table.string('status', 16).notNullable().comment('open|completed');
    table.string('document_url', 2000).nullable();
    table.text('contributing_factors').notNullable();
    table.dateTime('created_at', { precision: 3 }).notNullable();
    table.string('created_by', 255).notNullable();
    table.dateTime('completed_at', { precision: 3 }).nullable();
    table
      .dateTime('due_notified_at', { precision: 3 })
      .nullable()
      .comment('When the owner was told the review is due');
    table
      .dateTime('overdue_notified_at', { precision: 3 })
      .nullable()
      .comment('When the owner was told the review is overdue');
    table
      .integer('version')
      .notNullable()
      .comment('Optimistic concurrency: grows with every write');
    table.unique(['subject_kind', 'subject_id'], {
      indexName: 'ops_pir_subject_uq',
    });
    table.index(['status', 'due_date'], 'ops_pir_status_due_idx');
    table.index(['owner'], 'ops_pir_owner_idx');
  });

  await knex.schema.createTable('ops_review_action_items', table => {
    table.comment('Action items of post-incident reviews; id AI-<id>');
    table.increments('id').primary();
    table
      .integer('review_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('ops_incident_reviews')
      .onDelete('CASCADE');
    table.string('title', 200).notNullable();
    table.string('owner', 255).notNullable().comment('User entity ref');
    table.string('due_date', 10).notNullable().comment('YYYY-MM-DD');
    table.string('status', 16).notNullable().comment('open|in-progress|done');
    table.string('url', 2000).nullable().comment('Issue tracker link');
    table.integer('version').notNullable();
    table.dateTime('created_at', { precision: 3 }).notNullable();
    table.index(['review_id'], 'ops_rai_review_idx');
    table.index(['status', 'due_date'], 'ops_rai_status_due_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ops_review_action_items');
  await knex.schema.dropTable('ops_incident_reviews');
};
