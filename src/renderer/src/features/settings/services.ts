/** The two services that take a key, as Settings and the first-run welcome present them. */
export type KeyedProvider = 'comfydeploy' | 'runcomfy'

export interface Service {
  id: KeyedProvider
  name: string
  /** Element ids of the key and URL boxes. */
  keyId: string
  urlId: string
  keyLabel: string
  urlLabel: string
  keyPatch: 'comfydeployApiKey' | 'runcomfyApiKey'
  urlForm: 'comfydeployBaseUrl' | 'runcomfyBaseUrl'
  newKeyHelp: string
  urlHelp: string
}

export const services: readonly Service[] = [
  {
    id: 'comfydeploy',
    name: 'ComfyDeploy',
    keyId: 'cd-key',
    urlId: 'cd-url',
    keyLabel: 'ComfyDeploy API key',
    urlLabel: 'ComfyDeploy base URL',
    keyPatch: 'comfydeployApiKey',
    urlForm: 'comfydeployBaseUrl',
    newKeyHelp: 'Create a key in your ComfyDeploy dashboard (Settings → API keys) and paste it here.',
    urlHelp: 'Leave as is unless you run your own ComfyDeploy server.',
  },
  {
    id: 'runcomfy',
    name: 'RunComfy',
    keyId: 'rc-key',
    urlId: 'rc-url',
    keyLabel: 'RunComfy API token',
    urlLabel: 'RunComfy base URL',
    keyPatch: 'runcomfyApiKey',
    urlForm: 'runcomfyBaseUrl',
    newKeyHelp: 'Copy the API token from your RunComfy profile page and paste it here.',
    urlHelp: 'Leave as is unless RunComfy gave you another API address.',
  },
]
