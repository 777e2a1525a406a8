// The part of autocannon's API the bench uses (the package ships no types).
declare module "autocannon" {
  interface AutocannonResult {
    readonly requests: { readonly average: number };
    readonly non2xx: number;
    readonly errors: number;
  }
  export default function autocannon(options: { url: string; connections?: number; duration?: number }): Promise<AutocannonResult>;
}
