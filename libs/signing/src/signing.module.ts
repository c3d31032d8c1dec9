import { DynamicModule, Global, Module } from '@nestjs/common';
import { Cipher, CipherKey } from './encryption';

/** Provides the at-rest Cipher built from the configured keys. */
@Global()
@Module({})
export class SigningModule {
  static forRoot(keys: CipherKey[]): DynamicModule {
    return { module: SigningModule, providers: [{ provide: Cipher, useValue: new Cipher(keys) }], exports: [Cipher] };
  }
}
