"""Export a model folder's weights again as ``unspin train`` exports now, as a new version.

Needs the ``train`` extra. The folder's int8 weights are dequantised into the torch encoder they
came from and exported again (eager attention: ``export.rebuild_fp32``), quantised to int8 and
bounded so that no x86 int8 kernel saturates (``exact_int8``, calibrated on the training split's
articles); decoding settings are kept. The copy is scored again on the dev and test split of
``unspin train`` (and the SemEval-2021 dev memes) and gets a new model card::

    python scripts/reexport_model.py src/unspin/models/default --ptc ../shared/data/ptc/train \\
        --semeval2021 ../shared/data/semeval2021t6 -o /tmp/reexported --version 1.3.0

The recipe fields of the card (epochs, loss shares) are the training run's: give them when they
are not the defaults (``--epochs``, ``--propaganda-loss-share``).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="model folder holding an int8 model.onnx")
    parser.add_argument("--ptc", required=True, help="PTC training folder (calibration, scores)")
    parser.add_argument("--semeval2021", default=None, help="SemEval-2021 Task 6 folder")
    parser.add_argument("-o", "--output", type=Path, required=True, help="new model folder")
    parser.add_argument("--version", required=True, help="version of the new model")
    parser.add_argument("--epochs", type=int, default=9, help="epochs of the training run")
    parser.add_argument("--propaganda-loss-share", type=float, default=0.3)
    parser.add_argument("--encoder", type=Path, default=None, help="base encoder (default: MiniLM)")
    args = parser.parse_args()

    from unspin.inference.model_folder import ModelConfig
    from unspin.training.config import TrainConfig, default_encoder_path
    from unspin.training.exact_int8 import make_saturation_free
    from unspin.training.export import rebuild_fp32
    from unspin.training.folder import rescore_model_folder
    from unspin.training.fuse import quantize_encoder
    from unspin.training.prepare import load_split

    source = ModelConfig.load(args.folder)
    if args.output.exists():
        parser.error(f"{args.output} exists: give a new folder")
    shutil.copytree(args.folder, args.output)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        rebuild_fp32(args.folder, args.encoder or default_encoder_path(), fp32)
        quantize_encoder(fp32, args.output / source.onnx_file)
    config = TrainConfig(
        ptc=args.ptc,
        semeval2021=args.semeval2021,
        output=str(args.output),
        epochs=args.epochs,
        propaganda_loss_share=args.propaganda_loss_share,
        name=source.name,
        version=args.version,
        extra={"reexported_from": f"{source.name} {source.version}"},
    )
    config.fill_strides()
    split = load_split(config)
    moved = make_saturation_free(args.output, [document.text for document, _ in split.train])
    print(f"int8 weights bounded for every x86 CPU: {moved} weights moved")
    model = ModelConfig.load(args.output)
    model.version = args.version
    model.save(args.output)
    rescore_model_folder(args.output, config)
    print(
        f"{args.output}: {model.name} {model.version}, fingerprint {model.fingerprint(args.output)}"
    )


if __name__ == "__main__":
    main()
