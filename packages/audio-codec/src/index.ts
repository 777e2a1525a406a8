// @autosing/audio-codec has no implementation yet (issue #4); it deliberately exports nothing.
export {};
