/**
 * An endpoint of an OpenAI-compatible service from its configured base URL, which people write
 * with or without a trailing slash and with or without the `/v1` (both appear in providers' docs).
 */
export const openAiUrl = (baseUrl: string, path: string) => `${baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/v1/${path}`;
