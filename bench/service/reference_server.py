"""The Python peer of bench/service/run.sh: FastAPI + uvicorn serving transformers pipelines over the same
model directories, with Kotoba's request and response shapes for /fill-mask, /classify and /translate.

Run by run.sh with the fixture venv's torch/transformers and FastAPI/uvicorn from a side venv on PYTHONPATH.
Environment: FILL_MASK_MODEL, CLASSIFY_MODEL, TRANSLATE_MODEL (directories).
"""
import os
import warnings

import torch
from fastapi import Body, FastAPI
from transformers import MarianMTModel, MarianTokenizer, pipeline

warnings.filterwarnings("ignore")
torch.set_num_threads(os.cpu_count() or 1)
fill_mask = pipeline("fill-mask", model=os.environ["FILL_MASK_MODEL"], device="cpu")
classify = pipeline("text-classification", model=os.environ["CLASSIFY_MODEL"], device="cpu")
# transformers 5 removed the translation pipeline; this is what it did: tokenize, generate, decode.
marian_tokenizer = MarianTokenizer.from_pretrained(os.environ["TRANSLATE_MODEL"])
marian = MarianMTModel.from_pretrained(os.environ["TRANSLATE_MODEL"]).eval()
app = FastAPI()


def texts(body):
    text = body["text"]
    return text if isinstance(text, list) else [text]


@app.get("/livez")
def livez():
    return {"status": "alive"}


@app.post("/fill-mask")
def post_fill_mask(body: dict = Body(...)):
    results = [fill_mask(t, top_k=body.get("top_k", 5)) for t in texts(body)]
    return {"model": "fill-mask", "results": [{"predictions": r if isinstance(r[0], list) else [r]} for r in results]}


@app.post("/classify")
def post_classify(body: dict = Body(...)):
    results = [classify(t, top_k=body.get("top_k")) for t in texts(body)]
    return {"model": "classify", "results": [{"predictions": r} for r in results]}


@app.post("/translate")
def post_translate(body: dict = Body(...)):
    kwargs = {"num_beams": body.get("beam_size", 1)}
    if "max_new_tokens" in body:
        kwargs["max_new_tokens"] = body["max_new_tokens"]
    results = []
    for text in texts(body):
        with torch.no_grad():
            ids = marian.generate(**marian_tokenizer([text], return_tensors="pt"), **kwargs)
        results.append([{"translation_text": marian_tokenizer.decode(ids[0], skip_special_tokens=True)}])
    return {"model": "translate", "results": [{"translations": r} for r in results]}
