"""The trainable network: a transformer encoder with a token tagger and a span classifier.

- The token head predicts, for every token, which techniques cover it (independent sigmoids, so
  overlapping and nested spans of different techniques are both representable) plus one
  technique-agnostic "propaganda" channel.
- The span head classifies a given span from the mean, first and last hidden state of its tokens
  and a few surface features (SemEval technique classification). It is a single linear layer,
  so inference runs it in numpy on the hidden states the ONNX graph returns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from unspin.inference.model_folder import span_head_inputs
from unspin.training.data import DataError


class SpanTagger(nn.Module):
    def __init__(self, encoder: nn.Module, hidden_size: int, n_channels: int, n_techniques: int):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.token_head = nn.Linear(hidden_size, n_channels)
        self.span_head = nn.Linear(span_head_inputs(hidden_size), n_techniques)

    @classmethod
    def from_pretrained(
        cls, path: Path, n_channels: int, n_techniques: int, layers: int | None = None
    ) -> SpanTagger:
        """A tagger on the encoder folder ``path``; ``layers``: keep only its bottom N layers."""
        from transformers import AutoConfig, AutoModel

        settings = AutoConfig.from_pretrained(str(path))
        if layers is not None:
            if not 1 <= layers <= settings.num_hidden_layers:
                raise DataError(
                    f"--layers {layers}: the encoder in {path} has "
                    f"{settings.num_hidden_layers} layers"
                )
            settings.num_hidden_layers = layers
        encoder = AutoModel.from_pretrained(str(path), config=settings)
        return cls(encoder, int(encoder.config.hidden_size), n_channels, n_techniques)

    @property
    def ffn_width(self) -> int:
        """Units in each encoder layer's feed-forward block."""
        settings: Any = self.encoder.config
        return int(settings.intermediate_size)

    def narrow_ffn(self, width: int) -> None:
        """Keep ``width`` feed-forward units in every encoder layer: those whose input and
        output weights have the largest product of norms. A narrower, faster encoder."""
        if not 1 <= width <= self.ffn_width:
            raise DataError(f"--ffn-width {width}: the encoder has {self.ffn_width} units")
        encoder: Any = self.encoder
        for layer in encoder.encoder.layer:
            up, down = layer.intermediate.dense, layer.output.dense
            weight = up.weight.norm(dim=1) * down.weight.norm(dim=0)
            keep = weight.topk(width).indices.sort().values
            layer.intermediate.dense = _linear(up.weight[keep], up.bias[keep])
            layer.output.dense = _linear(down.weight[:, keep], down.bias)
        encoder.config.intermediate_size = width

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Token logits ``(B, T, n_channels)`` and hidden states ``(B, T, H)``."""
        hidden = self.encoder(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=torch.zeros_like(input_ids),
        ).last_hidden_state
        return self.token_head(self.dropout(hidden)), hidden

    def span_logits(
        self, hidden: torch.Tensor, spans: list[tuple[int, int, int]], surface: torch.Tensor
    ) -> torch.Tensor:
        """Classifier logits for ``(batch_row, first_token, last_token)`` spans.

        ``surface`` holds each span's ``surface_features`` row.
        """
        features = []
        for row, first, last in spans:
            tokens = hidden[row, first : last + 1]
            features.append(torch.cat([tokens.mean(dim=0), tokens[0], tokens[-1]]))
        pooled = self.dropout(torch.stack(features))
        logits: torch.Tensor = self.span_head(torch.cat([pooled, surface], dim=-1))
        return logits


def _linear(weight: torch.Tensor, bias: torch.Tensor) -> nn.Linear:
    """A linear layer holding copies of ``weight`` (out x in) and ``bias``."""
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(bias)
    return layer


class ExportWrapper(nn.Module):
    """What goes into the ONNX graph: ids and mask in, token logits and hidden states out."""

    def __init__(self, model: SpanTagger) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        logits, hidden = self.model(input_ids, attention_mask)
        return logits, hidden
