// @autosing/semantic-tokens has no implementation yet (issue #9); it deliberately exports nothing.
export {};
