/**
 * RunComfy payloads for the contract tests, copied as JSON text from the shared provider notes:
 * runcomfy.md §7 (webhooks per state) and §11 (examples), and seed 002 (RunComfy's webhook page, with its
 * `{request_id}`-style placeholders left as they are). Kept as text so they parse exactly as received.
 */
const parse = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>

export const R = 'R'
export const D = 'D'

/** runcomfy.md §7: one callback per state, keys in the page's order. */
export const SPEC_WEBHOOKS = {
  inQueue: parse(
    '{"request_id":"R","status_url":"https://api.runcomfy.net/prod/v1/deployments/D/requests/R/status","result_url":"https://api.runcomfy.net/prod/v1/deployments/D/requests/R/result","cancel_url":"https://api.runcomfy.net/prod/v1/deployments/D/requests/R/cancel"}',
  ),
  inProgress: parse(
    '{"request_id":"R","deployment_id":"D","status":"in_progress","status_url":"https://api.runcomfy.net/prod/v1/deployments/D/requests/R/status","result_url":"https://api.runcomfy.net/prod/v1/deployments/D/requests/R/result","cancel_url":"https://api.runcomfy.net/prod/v1/deployments/D/requests/R/cancel","instance_id":"i-7d2c9b41","created_at":"2025-11-18T10:00:00Z","started_at":"2025-11-18T10:01:00Z"}',
  ),
  succeeded: parse(
    '{"request_id":"R","deployment_id":"D","status":"succeeded","output":{"images":["https://serverless-api-storage.runcomfy.net/o/output-1.png","https://serverless-api-storage.runcomfy.net/o/output-2.png"]},"instance_id":"i-7d2c9b41","created_at":"2025-11-18T10:00:00Z","started_at":"2025-11-18T10:01:12Z","finished_at":"2025-11-18T10:08:30Z"}',
  ),
  failed: parse(
    '{"request_id":"R","deployment_id":"D","status":"failed","error":{"error":"ExecutionError","details":"KSampler: CUDA out of memory","debugInfo":"Traceback …","errorCode":12345},"instance_id":"i-7d2c9b41","created_at":"2025-11-18T10:00:00Z","started_at":"2025-11-18T10:01:12Z","finished_at":"2025-11-18T10:08:30Z"}',
  ),
}

/** Seed 002 (RunComfy's webhook page), placeholders included. */
export const SEED_REQUEST_ID = '{request_id}'
export const SEED_LORA_BODY = parse(`{
    "prompt": "Make the scene feel warmer and more cinematic. Add a subtle orange glow.",
    "ctrl_img_1": "https://playgrounds-storage-public.runcomfy.net/tools/7063/media-files/usecase1-1-input.webp",
    "width": 1024,
    "height": 1024,
    "guidance_scale": 4,
    "sample_steps": 25,
    "network_multiplier": 1.0,
    "neg": "",
    "seed": 42,
    "sampler": "flowmatch",
    "num_frames": 1,
    "fps": 1
  }`)
export const SEED_WEBHOOK_URL = 'https://example.com/api/runcomfy/webhook'
export const SEED_WEBHOOK_QUERY = 'webhook=https%3A%2F%2Fexample.com%2Fapi%2Fruncomfy%2Fwebhook&webhook_intermediate_status=true'
export const SEED_WEBHOOKS = {
  inQueue: parse(`{
  "request_id": "{request_id}",
  "status_url": "https://api.runcomfy.net/prod/v1/deployments/{deployment_id}/requests/{request_id}/status",
  "result_url": "https://api.runcomfy.net/prod/v1/deployments/{deployment_id}/requests/{request_id}/result",
  "cancel_url": "https://api.runcomfy.net/prod/v1/deployments/{deployment_id}/requests/{request_id}/cancel"
}`),
  inProgress: parse(`{
  "request_id": "{request_id}",
  "deployment_id": "{deployment_id}",
  "status": "in_progress",
  "status_url": "https://api.runcomfy.net/prod/v1/deployments/dep_abc/requests/rq_123/status",
  "result_url": "https://api.runcomfy.net/prod/v1/deployments/dep_abc/requests/rq_123/result",
  "cancel_url": "https://api.runcomfy.net/prod/v1/deployments/dep_abc/requests/rq_123/cancel",
  "instance_id": "{instance_id}",
  "created_at": "2025-11-18T10:00:00Z",
  "started_at": "2025-11-18T10:01:00Z"
}`),
  succeeded: parse(`{
  "request_id": "{request_id}",
  "deployment_id": "{deployment_id}",
  "status": "succeeded",
  "output": {
    "images": [
      "https://example.com/output-1.png",
      "https://example.com/output-2.png"
    ]
  },
  "instance_id": "{instance_id}",
  "created_at": "2025-11-18T10:00:00Z",
  "started_at": "2025-11-18T10:01:12Z",
  "finished_at": "2025-11-18T10:08:30Z"
}`),
  failed: parse(`{
  "request_id": "{request_id}",
  "deployment_id": "{deployment_id}",
  "status": "failed",
  "error": {
    "error": "ExampleErrorType",
    "details": "This is an example error message explaining the failure.",
    "debugInfo": "Example debug information or stack trace here.",
    "errorCode": 12345
  },
  "instance_id": "{instance_id}",
  "created_at": "2025-11-18T10:00:00Z",
  "started_at": "2025-11-18T10:01:12Z",
  "finished_at": "2025-11-18T10:08:30Z"
}`),
}

/** Variants the notes say to accept (§4, §5, §7 and the open questions), not shown as examples there. */
export const VARIANT_WEBHOOKS = {
  cancelled: parse('{"request_id":"R","deployment_id":"D","status":"cancelled","created_at":"2025-11-18T10:00:00Z","finished_at":"2025-11-18T10:02:00Z"}'),
  canceled: parse('{"request_id":"R","deployment_id":"D","status":"canceled"}'),
  outcomeOnly: parse('{"request_id":"R","deployment_id":"D","outcome":"succeeded","output":{"video":"https://serverless-api-storage.runcomfy.net/o/clip.mp4"}}'),
  nodeKeyedOutputs: parse(
    '{"request_id":"R","deployment_id":"D","status":"succeeded","outputs":{"9":{"images":[{"url":"https://serverless-api-storage.runcomfy.net/o/ComfyUI_00001_.png","filename":"ComfyUI_00001_.png","subfolder":"","type":"output"}]}},"finished_at":"2025-11-18T10:08:30.095112+00:00"}',
  ),
  errorArray: parse(
    '{"request_id":"R","deployment_id":"D","status":"failed","error":[{"errorCode":4001,"error":"PromptExecutionError","debugInfo":"node 3"},{"errorCode":4002,"error":"OOM"}]}',
  ),
  olderError: parse('{"request_id":"R","status":"failed","error":{"type":"ExecutionError","message":"VAE decode failed"}}'),
  inQueueWithPosition: parse('{"request_id":"R","status":"in_queue","queue_position":3}'),
  unknownWord: parse('{"request_id":"R","status":"warming_up"}'),
  extraFields: parse(
    '{"request_id":"R","deployment_id":"D","status":"in_progress","instance_id":"i-1","progress_hint":{"node":"3"},"attempt":2,"x_new_field":[1,2,3]}',
  ),
  noRequestId: parse('{"deployment_id":"D","status":"succeeded","output":{"images":["https://example.com/a.png"]}}'),
}

/** runcomfy.md §11 examples. */
export const SPEC_EXAMPLES = {
  submitQuery: 'webhook=https%3A%2F%2Fab12.loca.lt%2Frc%2F7f3a&webhook_intermediate_status=true',
  submitWebhookUrl: 'https://ab12.loca.lt/rc/7f3a',
  submitBody: parse(
    '{"overrides":{"6":{"inputs":{"text":"a lighthouse at dusk"}},"3":{"inputs":{"seed":123456,"steps":28}},"10":{"inputs":{"image":"https://example.com/ref.png"}}}}',
  ),
  submitReply: parse(
    '{"request_id":"R","status_url":"https://api.runcomfy.net/prod/v2/deployments/D/requests/R/status","result_url":"https://api.runcomfy.net/prod/v2/deployments/D/requests/R/result","cancel_url":"https://api.runcomfy.net/prod/v2/deployments/D/requests/R/cancel"}',
  ),
  statusInQueue: parse('{"request_id":"R","status":"in_queue","queue_position":2,"status_url":"…","result_url":"…"}'),
  statusInProgress: parse('{"request_id":"R","status":"in_progress","instance_id":"i-7d2c9b41","status_url":"…","result_url":"…"}'),
  statusCompleted: parse('{"request_id":"R","status":"completed","status_url":"…","result_url":"…"}'),
  resultSucceeded: parse(
    '{"request_id":"R","status":"succeeded","created_at":"2025-11-18T10:00:00.412731+00:00","finished_at":"2025-11-18T10:08:30.095112+00:00","outputs":{"9":{"images":[{"url":"https://serverless-api-storage.runcomfy.net/o/ComfyUI_00001_.png","filename":"ComfyUI_00001_.png","subfolder":"","type":"output"}]},"38:42":{"text":[["a lighthouse"]]}}}',
  ),
  resultFailed: parse(
    '{"request_id":"R","status":"failed","created_at":"2025-11-18T10:00:00.412731+00:00","finished_at":"2025-11-18T10:02:11.500000+00:00","error":{"error":"ExecutionError","details":"KSampler: CUDA out of memory","debugInfo":"Traceback …","errorCode":12345}}',
  ),
  cancelAccepted: parse('{"request_id":"R","status":"cancelled","outcome":"cancelled"}'),
  cancelRefused: parse('{"request_id":"R","status":"completed","outcome":"not_cancellable"}'),
  /** §5: a Go client saw this for a running job; the status later read `canceled`. */
  cancelRequested: parse('{"request_id":"R","status":"cancellation_requested"}'),
  deployments: JSON.parse(
    '[{"id":"D","name":"lighthouse-flux","workflow_id":"wf_2c7e","workflow_version":"v3","hardware":["AMPERE_48"],"min_instances":0,"max_instances":2,"queue_size":4,"keep_warm_duration_in_seconds":60,"status":"standby","is_enabled":true,"updated_at":"2025-11-10T08:00:00Z"}]',
  ) as unknown[],
  validation422: parse('{"error_code":422001,"error_message":"Validation Error","detail":[{"loc":["overrides","6","inputs","txt"],"msg":"unknown input"}]}'),
}

/**
 * A realistic ComfyUI text-to-image graph in API format, with a reference image loader: 3 KSampler,
 * 4 CheckpointLoaderSimple, 5 EmptyLatentImage, 6/7 CLIPTextEncode (positive/negative), 8 VAEDecode,
 * 9 SaveImage, 10 LoadImage.
 */
export const WORKFLOW_API_JSON = parse(`{
  "3": {
    "inputs": {
      "seed": 156680208700286,
      "steps": 20,
      "cfg": 8,
      "sampler_name": "euler",
      "scheduler": "normal",
      "denoise": 1,
      "model": ["4", 0],
      "positive": ["6", 0],
      "negative": ["7", 0],
      "latent_image": ["5", 0]
    },
    "class_type": "KSampler",
    "_meta": { "title": "KSampler" }
  },
  "4": {
    "inputs": { "ckpt_name": "sd_xl_base_1.0.safetensors" },
    "class_type": "CheckpointLoaderSimple",
    "_meta": { "title": "Load Checkpoint" }
  },
  "5": {
    "inputs": { "width": 1024, "height": 1024, "batch_size": 1 },
    "class_type": "EmptyLatentImage",
    "_meta": { "title": "Empty Latent Image" }
  },
  "6": {
    "inputs": { "text": "beautiful scenery nature glass bottle landscape, purple galaxy bottle", "clip": ["4", 1] },
    "class_type": "CLIPTextEncode",
    "_meta": { "title": "CLIP Text Encode (Prompt)" }
  },
  "7": {
    "inputs": { "text": "text, watermark", "clip": ["4", 1] },
    "class_type": "CLIPTextEncode",
    "_meta": { "title": "CLIP Text Encode (Prompt)" }
  },
  "8": {
    "inputs": { "samples": ["3", 0], "vae": ["4", 2] },
    "class_type": "VAEDecode",
    "_meta": { "title": "VAE Decode" }
  },
  "9": {
    "inputs": { "filename_prefix": "ComfyUI", "images": ["8", 0] },
    "class_type": "SaveImage",
    "_meta": { "title": "Save Image" }
  },
  "10": {
    "inputs": { "image": "example.png", "upload": "image" },
    "class_type": "LoadImage",
    "_meta": { "title": "Load Image" }
  }
}`)

/**
 * ComfyUI's `object_info` for those classes, trimmed to what the form reads. Text, not a literal: the
 * seed's max (2^64 − 1) is past JavaScript's exact integers, as it is on the wire.
 */
export const OBJECT_INFO_JSON = `{
  "KSampler": {
    "input": {
      "required": {
        "model": ["MODEL", {"tooltip": "The model used for denoising the input latent."}],
        "seed": ["INT", {"default": 0, "min": 0, "max": 18446744073709551615, "control_after_generate": true, "tooltip": "The random seed used for creating the noise."}],
        "steps": ["INT", {"default": 20, "min": 1, "max": 10000, "tooltip": "The number of steps used in the denoising process."}],
        "cfg": ["FLOAT", {"default": 8.0, "min": 0.0, "max": 100.0, "step": 0.1, "round": 0.01}],
        "sampler_name": [["euler", "euler_ancestral", "heun", "dpmpp_2m", "dpmpp_2m_sde", "ddim", "uni_pc"], {"tooltip": "The algorithm used when sampling."}],
        "scheduler": [["simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal"], {}],
        "positive": ["CONDITIONING", {}],
        "negative": ["CONDITIONING", {}],
        "latent_image": ["LATENT", {}],
        "denoise": ["FLOAT", {"default": 1.0, "min": 0.0, "max": 1.0, "step": 0.01}]
      }
    },
    "output": ["LATENT"], "name": "KSampler", "display_name": "KSampler", "category": "sampling", "output_node": false
  },
  "CheckpointLoaderSimple": {
    "input": {"required": {"ckpt_name": [["sd_xl_base_1.0.safetensors", "v1-5-pruned-emaonly.safetensors"], {"tooltip": "The name of the checkpoint (model) to load."}]}},
    "output": ["MODEL", "CLIP", "VAE"], "name": "CheckpointLoaderSimple", "category": "loaders"
  },
  "EmptyLatentImage": {
    "input": {"required": {
      "width": ["INT", {"default": 512, "min": 16, "max": 16384, "step": 8}],
      "height": ["INT", {"default": 512, "min": 16, "max": 16384, "step": 8}],
      "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}]
    }},
    "output": ["LATENT"], "name": "EmptyLatentImage", "category": "latent"
  },
  "CLIPTextEncode": {
    "input": {"required": {
      "text": ["STRING", {"multiline": true, "dynamicPrompts": true, "tooltip": "The text to be encoded."}],
      "clip": ["CLIP", {}]
    }},
    "output": ["CONDITIONING"], "name": "CLIPTextEncode", "category": "conditioning"
  },
  "VAEDecode": {"input": {"required": {"samples": ["LATENT", {}], "vae": ["VAE", {}]}}, "output": ["IMAGE"], "name": "VAEDecode"},
  "SaveImage": {
    "input": {"required": {"images": ["IMAGE", {}], "filename_prefix": ["STRING", {"default": "ComfyUI"}]}, "hidden": {"prompt": "PROMPT", "extra_pnginfo": "EXTRA_PNGINFO"}},
    "output": [], "name": "SaveImage", "output_node": true
  },
  "LoadImage": {
    "input": {"required": {"image": [["example.png", "ref.png"], {"image_upload": true}]}},
    "output": ["IMAGE", "MASK"], "name": "LoadImage", "category": "image"
  }
}`
