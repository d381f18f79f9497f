// ComfyUI 0.8.0's /object_info for the nodes the simulator runs, recorded from the real server (tooltips removed;
// the simulator's model and image lists filled in). Regenerate with scripts/record-comfyui.mjs.
export interface SimNodeInfo {
  input: { required?: Record<string, unknown[]>; optional?: Record<string, unknown[]>; hidden?: Record<string, unknown> }
  input_order: Record<string, string[]>
  description?: string | null
  output: unknown[]
  output_is_list?: boolean[]
  output_name?: unknown[]
  name: string
  display_name: string | null
  python_module?: string
  category: string
  output_node: boolean
  [more: string]: unknown
}

export const SIM_OBJECT_INFO: Record<string, SimNodeInfo> = {
 "EmptyImage": {
  "input": {
   "required": {
    "width": [
     "INT",
     {
      "default": 512,
      "min": 1,
      "max": 16384,
      "step": 1
     }
    ],
    "height": [
     "INT",
     {
      "default": 512,
      "min": 1,
      "max": 16384,
      "step": 1
     }
    ],
    "batch_size": [
     "INT",
     {
      "default": 1,
      "min": 1,
      "max": 4096
     }
    ],
    "color": [
     "INT",
     {
      "default": 0,
      "min": 0,
      "max": 16777215,
      "step": 1,
      "display": "color"
     }
    ]
   }
  },
  "input_order": {
   "required": [
    "width",
    "height",
    "batch_size",
    "color"
   ]
  },
  "output": [
   "IMAGE"
  ],
  "output_is_list": [
   false
  ],
  "output_name": [
   "IMAGE"
  ],
  "name": "EmptyImage",
  "display_name": "EmptyImage",
  "python_module": "nodes",
  "category": "image",
  "output_node": false
 },
 "SaveImage": {
  "input": {
   "required": {
    "images": [
     "IMAGE",
     {}
    ],
    "filename_prefix": [
     "STRING",
     {
      "default": "ComfyUI"
     }
    ]
   },
   "hidden": {
    "prompt": "PROMPT",
    "extra_pnginfo": "EXTRA_PNGINFO"
   }
  },
  "input_order": {
   "required": [
    "images",
    "filename_prefix"
   ],
   "hidden": [
    "prompt",
    "extra_pnginfo"
   ]
  },
  "output": [],
  "output_is_list": [],
  "output_name": [],
  "name": "SaveImage",
  "display_name": "Save Image",
  "python_module": "nodes",
  "category": "image",
  "output_node": true
 },
 "ImageBlur": {
  "input": {
   "required": {
    "image": [
     "IMAGE",
     {}
    ],
    "blur_radius": [
     "INT",
     {
      "default": 1,
      "min": 1,
      "max": 31,
      "step": 1
     }
    ],
    "sigma": [
     "FLOAT",
     {
      "default": 1,
      "min": 0.1,
      "max": 10,
      "step": 0.1
     }
    ]
   }
  },
  "input_order": {
   "required": [
    "image",
    "blur_radius",
    "sigma"
   ]
  },
  "output": [
   "IMAGE"
  ],
  "output_is_list": [
   false
  ],
  "output_name": [
   "IMAGE"
  ],
  "output_matchtypes": null,
  "name": "ImageBlur",
  "display_name": null,
  "python_module": "comfy_extras.nodes_post_processing",
  "category": "image/postprocessing",
  "output_node": false,
  "deprecated": false,
  "experimental": false,
  "api_node": false
 },
 "ImageScale": {
  "input": {
   "required": {
    "image": [
     "IMAGE"
    ],
    "upscale_method": [
     [
      "nearest-exact",
      "bilinear",
      "area",
      "bicubic",
      "lanczos"
     ]
    ],
    "width": [
     "INT",
     {
      "default": 512,
      "min": 0,
      "max": 16384,
      "step": 1
     }
    ],
    "height": [
     "INT",
     {
      "default": 512,
      "min": 0,
      "max": 16384,
      "step": 1
     }
    ],
    "crop": [
     [
      "disabled",
      "center"
     ]
    ]
   }
  },
  "input_order": {
   "required": [
    "image",
    "upscale_method",
    "width",
    "height",
    "crop"
   ]
  },
  "output": [
   "IMAGE"
  ],
  "output_is_list": [
   false
  ],
  "output_name": [
   "IMAGE"
  ],
  "name": "ImageScale",
  "display_name": "Upscale Image",
  "python_module": "nodes",
  "category": "image/upscaling",
  "output_node": false
 },
 "KSampler": {
  "input": {
   "required": {
    "model": [
     "MODEL",
     {}
    ],
    "seed": [
     "INT",
     {
      "default": 0,
      "min": 0,
      "max": 18446744073709552000,
      "control_after_generate": true
     }
    ],
    "steps": [
     "INT",
     {
      "default": 20,
      "min": 1,
      "max": 10000
     }
    ],
    "cfg": [
     "FLOAT",
     {
      "default": 8,
      "min": 0,
      "max": 100,
      "step": 0.1,
      "round": 0.01
     }
    ],
    "sampler_name": [
     [
      "euler",
      "euler_cfg_pp",
      "euler_ancestral",
      "euler_ancestral_cfg_pp",
      "heun",
      "heunpp2",
      "exp_heun_2_x0",
      "exp_heun_2_x0_sde",
      "dpm_2",
      "dpm_2_ancestral",
      "lms",
      "dpm_fast",
      "dpm_adaptive",
      "dpmpp_2s_ancestral",
      "dpmpp_2s_ancestral_cfg_pp",
      "dpmpp_sde",
      "dpmpp_sde_gpu",
      "dpmpp_2m",
      "dpmpp_2m_cfg_pp",
      "dpmpp_2m_sde",
      "dpmpp_2m_sde_gpu",
      "dpmpp_2m_sde_heun",
      "dpmpp_2m_sde_heun_gpu",
      "dpmpp_3m_sde",
      "dpmpp_3m_sde_gpu",
      "ddpm",
      "lcm",
      "ipndm",
      "ipndm_v",
      "deis",
      "res_multistep",
      "res_multistep_cfg_pp",
      "res_multistep_ancestral",
      "res_multistep_ancestral_cfg_pp",
      "gradient_estimation",
      "gradient_estimation_cfg_pp",
      "er_sde",
      "seeds_2",
      "seeds_3",
      "sa_solver",
      "sa_solver_pece",
      "ddim",
      "uni_pc",
      "uni_pc_bh2"
     ],
     {}
    ],
    "scheduler": [
     [
      "simple",
      "sgm_uniform",
      "karras",
      "exponential",
      "ddim_uniform",
      "beta",
      "normal",
      "linear_quadratic",
      "kl_optimal"
     ],
     {}
    ],
    "positive": [
     "CONDITIONING",
     {}
    ],
    "negative": [
     "CONDITIONING",
     {}
    ],
    "latent_image": [
     "LATENT",
     {}
    ],
    "denoise": [
     "FLOAT",
     {
      "default": 1,
      "min": 0,
      "max": 1,
      "step": 0.01
     }
    ]
   }
  },
  "input_order": {
   "required": [
    "model",
    "seed",
    "steps",
    "cfg",
    "sampler_name",
    "scheduler",
    "positive",
    "negative",
    "latent_image",
    "denoise"
   ]
  },
  "output": [
   "LATENT"
  ],
  "output_is_list": [
   false
  ],
  "output_name": [
   "LATENT"
  ],
  "name": "KSampler",
  "display_name": "KSampler",
  "python_module": "nodes",
  "category": "sampling",
  "output_node": false
 },
 "CLIPTextEncode": {
  "input": {
   "required": {
    "text": [
     "STRING",
     {
      "multiline": true,
      "dynamicPrompts": true
     }
    ],
    "clip": [
     "CLIP",
     {}
    ]
   }
  },
  "input_order": {
   "required": [
    "text",
    "clip"
   ]
  },
  "output": [
   "CONDITIONING"
  ],
  "output_is_list": [
   false
  ],
  "output_name": [
   "CONDITIONING"
  ],
  "name": "CLIPTextEncode",
  "display_name": "CLIP Text Encode (Prompt)",
  "python_module": "nodes",
  "category": "conditioning",
  "output_node": false
 },
 "LoadImage": {
  "input": {
   "required": {
    "image": [
     [
      "example.png"
     ],
     {
      "image_upload": true
     }
    ]
   }
  },
  "input_order": {
   "required": [
    "image"
   ]
  },
  "output": [
   "IMAGE",
   "MASK"
  ],
  "output_is_list": [
   false,
   false
  ],
  "output_name": [
   "IMAGE",
   "MASK"
  ],
  "name": "LoadImage",
  "display_name": "Load Image",
  "python_module": "nodes",
  "category": "image",
  "output_node": false
 },
 "PreviewImage": {
  "input": {
   "required": {
    "images": [
     "IMAGE"
    ]
   },
   "hidden": {
    "prompt": "PROMPT",
    "extra_pnginfo": "EXTRA_PNGINFO"
   }
  },
  "input_order": {
   "required": [
    "images"
   ],
   "hidden": [
    "prompt",
    "extra_pnginfo"
   ]
  },
  "output": [],
  "output_is_list": [],
  "output_name": [],
  "name": "PreviewImage",
  "display_name": "Preview Image",
  "python_module": "nodes",
  "category": "image",
  "output_node": true
 },
 "EmptyLatentImage": {
  "input": {
   "required": {
    "width": [
     "INT",
     {
      "default": 512,
      "min": 16,
      "max": 16384,
      "step": 8
     }
    ],
    "height": [
     "INT",
     {
      "default": 512,
      "min": 16,
      "max": 16384,
      "step": 8
     }
    ],
    "batch_size": [
     "INT",
     {
      "default": 1,
      "min": 1,
      "max": 4096
     }
    ]
   }
  },
  "input_order": {
   "required": [
    "width",
    "height",
    "batch_size"
   ]
  },
  "output": [
   "LATENT"
  ],
  "output_is_list": [
   false
  ],
  "output_name": [
   "LATENT"
  ],
  "name": "EmptyLatentImage",
  "display_name": "Empty Latent Image",
  "python_module": "nodes",
  "category": "latent",
  "output_node": false
 },
 "CheckpointLoaderSimple": {
  "input": {
   "required": {
    "ckpt_name": [
     [
      "sim-model.safetensors"
     ],
     {}
    ]
   }
  },
  "input_order": {
   "required": [
    "ckpt_name"
   ]
  },
  "output": [
   "MODEL",
   "CLIP",
   "VAE"
  ],
  "output_is_list": [
   false,
   false,
   false
  ],
  "output_name": [
   "MODEL",
   "CLIP",
   "VAE"
  ],
  "name": "CheckpointLoaderSimple",
  "display_name": "Load Checkpoint",
  "python_module": "nodes",
  "category": "loaders",
  "output_node": false
 },
 "VAEDecode": {
  "input": {
   "required": {
    "samples": [
     "LATENT",
     {}
    ],
    "vae": [
     "VAE",
     {}
    ]
   }
  },
  "input_order": {
   "required": [
    "samples",
    "vae"
   ]
  },
  "output": [
   "IMAGE"
  ],
  "output_is_list": [
   false
  ],
  "output_name": [
   "IMAGE"
  ],
  "name": "VAEDecode",
  "display_name": "VAE Decode",
  "python_module": "nodes",
  "category": "latent",
  "output_node": false
 },
 "ImageInvert": {
  "input": {
   "required": {
    "image": [
     "IMAGE"
    ]
   }
  },
  "input_order": {
   "required": [
    "image"
   ]
  },
  "output": [
   "IMAGE"
  ],
  "output_is_list": [
   false
  ],
  "output_name": [
   "IMAGE"
  ],
  "name": "ImageInvert",
  "display_name": "Invert Image",
  "python_module": "nodes",
  "category": "image",
  "output_node": false
 }
}
