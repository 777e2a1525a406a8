// @autosing/trainer has no implementation yet (issue #5); it deliberately exports nothing.
export {};
