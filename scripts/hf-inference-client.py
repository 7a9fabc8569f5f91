"""Drives a running Kotoba with huggingface_hub's InferenceClient and prints what the client parsed.

Run by Tests/KotobaServiceTests/HuggingFaceClientTests.swift: `python hf-inference-client.py PORT`. Each call goes through the client's
own request building and response parsing (`InferenceClient(model="http://127.0.0.1:PORT/models/NAME")`),
so a wire shape the client cannot read fails here.
"""
import json
import sys

from huggingface_hub import InferenceClient
from huggingface_hub.errors import HfHubHTTPError

port = int(sys.argv[1])
base = f"http://127.0.0.1:{port}/models/"
out = {}

masks = InferenceClient(model=base + "mlm").fill_mask("the cat [MASK] on the mat.", top_k=3)
out["fill_mask"] = [
    {"score": m.score, "token": m.token, "token_str": m.token_str, "sequence": m.sequence} for m in masks
]

labels = InferenceClient(model=base + "sentiment").text_classification(
    "the cat sat on the mat.", top_k=2, function_to_apply="softmax"
)
out["text_classification"] = [{"label": l.label, "score": l.score} for l in labels]

vector = InferenceClient(model=base + "embedder").feature_extraction("a dog")
out["feature_extraction"] = {"dtype": str(vector.dtype), "shape": list(vector.shape), "data": vector.tolist()}

vectors = InferenceClient(model=base + "embedder").feature_extraction(["a dog", "the cat sat on the mat."])
out["feature_extraction_list_shape"] = list(vectors.shape)

translated = InferenceClient(model=base + "marian").translation(
    "Tom is here.", generate_parameters={"num_beams": 3, "max_new_tokens": 12}
)
out["translation"] = translated.translation_text

try:
    InferenceClient(model=base + "nope").fill_mask("a [MASK]")
    out["unknown_model_status"] = None
except HfHubHTTPError as error:
    out["unknown_model_status"] = error.response.status_code

print(json.dumps(out))
