// @autosing/parquet-io has no implementation yet (issue #3); it deliberately exports nothing.
export {};
