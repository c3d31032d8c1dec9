export { generateApiKey, hashApiKey, NewApiKey } from './api-keys';
export { Cipher, CipherKey } from './encryption';
export { generateSecret, signedHeaders, SignedHeaders } from './standard-webhooks';
export { SigningModule } from './signing.module';
