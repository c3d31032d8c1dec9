export { generateApiKey, hashApiKey, NewApiKey } from './api-keys';
export { Cipher, CipherBinding, CipherKey, webhookHeadersBinding, webhookSecretBinding } from './encryption';
export { generateSecret, signedHeaders, SignedHeaders } from './standard-webhooks';
export { SigningModule } from './signing.module';
