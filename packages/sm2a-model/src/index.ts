// @autosing/sm2a-model has no implementation yet (issue #7); it deliberately exports nothing.
export {};
