import { SCHEMES, Scheme, isScheme } from '../../lambda-src/kms-app/scheme-names';
import { APP_NAMES, AppName } from '../../modules/kms-apps/kms-apps';

/**
 * Parses CTLAB_KMS_SCHEMES: comma-separated `app=scheme` pairs, e.g.
 * `lambda-app-1=chunked-encrypt,lambda-app-2=envelope`. Apps not named keep their default.
 */
export function parseSchemes(text: string | undefined): Partial<Record<AppName, Scheme>> {
  if (text === undefined || text.trim() === '') return {};
  const schemes: Partial<Record<AppName, Scheme>> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [app, scheme, extra] = pair.split('=').map((p) => p.trim());
    if (extra !== undefined || !app || !scheme) {
      throw new Error(`CTLAB_KMS_SCHEMES: "${pair}" is not app=scheme, e.g. lambda-app-1=chunked-encrypt`);
    }
    if (!(APP_NAMES as readonly string[]).includes(app)) {
      throw new Error(`CTLAB_KMS_SCHEMES: unknown app "${app}"; the apps are ${APP_NAMES.join(', ')}`);
    }
    if (!isScheme(scheme)) {
      throw new Error(`CTLAB_KMS_SCHEMES: unknown scheme "${scheme}" for ${app}; the schemes are ${SCHEMES.join(', ')}`);
    }
    schemes[app as AppName] = scheme;
  }
  return schemes;
}
