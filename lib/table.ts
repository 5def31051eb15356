/**
 * The table definition: written once, read by the CDK stack and by the local store's bootstrap.
 * Which item lives under which key, and which access pattern each index serves, is documented
 * beside the key builders in lib/store/keys.ts.
 */
export const table = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes expired idempotency records. */
  ttlAttribute: 'expiresAt',
  indexes: [
    /** Children of a parent account, and the members of an account. */
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** A user's direct memberships on the children of one parent. */
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

/** Every key attribute is a string. */
export const keyAttributes = [
  table.partitionKey,
  table.sortKey,
  ...table.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
];
