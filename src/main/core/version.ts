import { version } from '../../../package.json'

/**
 * The app's version, taken from package.json when the code is built: the bundler inlines this one field,
 * and tsx and Vitest resolve the file from this source file's folder. Never from the working directory,
 * which is wherever the app happened to be started. (Electron passes `app.getVersion()` instead.)
 */
export const buildVersion: string = version
