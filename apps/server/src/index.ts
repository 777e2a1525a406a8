// @autosing/server has no implementation yet (issue #10); it deliberately exports nothing.
export {};
