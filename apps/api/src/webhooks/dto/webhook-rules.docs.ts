/** The registration rules of @hookline/webhook-rules (url-rules, header-rules, payload-rules), in words for the OpenAPI document. */
export const URL_RULES =
  'Absolute http or https URL, at most 2048 characters. Refused (422) when it resolves to a private, loopback, link-local or metadata address, unless ALLOW_PRIVATE_TARGETS=true.';

export const HEADERS_RULES =
  'Sent with every delivery. Names are RFC 9110 tokens, values have no CR/LF, at most 50 headers. Reserved names are refused (422): host, content-length, transfer-encoding, connection, upgrade, te, trailer, keep-alive, proxy-*, webhook-id, webhook-timestamp, webhook-signature; content-type only as a JSON media type.';

export const PAYLOAD_RULES =
  'Merged into every delivered body at the top level. At most 64 KiB as JSON; its keys may not be id, type, timestamp or data (422).';
