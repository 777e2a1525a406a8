// @autosing/espeak has no implementation yet (issue #6); it deliberately exports nothing.
export {};
