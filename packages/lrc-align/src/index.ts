// @autosing/lrc-align has no implementation yet (issue #8); it deliberately exports nothing.
export {};
