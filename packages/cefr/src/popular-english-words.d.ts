// The npm package ships JavaScript only: the part the engine reads.
declare module 'popular-english-words' {
  export const words: { getAll(): readonly string[] };
}
