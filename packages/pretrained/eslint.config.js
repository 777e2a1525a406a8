export { default } from "@autosing/eslint-config";
