"""The `transformers` backend end to end, on a tiny causal LM built here (no download).

Two models from one tiny Qwen2 config: one with random weights, whose output is noise and must
fall back to the extractive answer; one whose output is fixed by construction (its final norm is
zeroed, so every logit is 0 and greedy decoding picks token 0, which is a whole cited sentence) to
show a local model's reply reaching the client when it passes the checks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

from assistant.answering.service import build_answerer
from assistant.errors import ConfigError
from assistant.settings import Settings

# Token 0: the sentence the constructed model always says. passage [1] for the question below is
# the 科技贷 amount passage (or the FAQ quoting it), which contains both figures.
FIXED_REPLY = "科技贷的单户授信额度为50万元至1000万元[1]"
CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                 "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def _tiny_model(path: Path, fixed: bool) -> Path:
    torch.manual_seed(0)
    bpe = Tokenizer(models.BPE(unk_token=None))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=[FIXED_REPLY, "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(["科技贷的额度和利率是多少？单户授信额度为50万元至1000万元。", "资料 段落 客户消息"],
                            trainer)
    # Trained tokens come after the trainer's special ones, so the fixed sentence is id 0; it is
    # then made an ordinary token, or decoding (skip_special_tokens) would drop it.
    data = json.loads(bpe.to_str())
    for token in data["added_tokens"]:
        token["special"] = token["content"] != FIXED_REPLY
    bpe = Tokenizer.from_str(json.dumps(data))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|im_end|>")
    tokenizer.chat_template = CHAT_TEMPLATE
    assert tokenizer.convert_tokens_to_ids(FIXED_REPLY) == 0
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=8192,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    model = Qwen2ForCausalLM(config)
    if fixed:
        with torch.no_grad():
            model.model.norm.weight.zero_()
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def _settings(demo_settings: Settings, model_dir: Path, max_tokens: int) -> Settings:
    return demo_settings.model_copy(update={"llm_backend": "transformers", "llm_model": str(model_dir),
                                            "llm_max_tokens": max_tokens, "llm_timeout_s": 30.0,
                                            "turn_deadline_s": 30.0})


def test_a_random_weight_local_model_runs_and_its_noise_falls_back(demo_settings: Settings, tmp_path: Path):
    answerer = build_answerer(_settings(demo_settings, _tiny_model(tmp_path / "random", fixed=False), 12))
    answer = answerer.answer("科技贷最多能贷多少？")
    assert answer.grounded and answer.composer == "extractive"
    assert answer.fallback_reason in {"no_citation", "unknown_citation", "unsupported_figure", "unsupported_text",
                                      "empty"}
    assert "1000万元" in answer.answer  # the extractive answer, figures quoted from the handbook
    assert answerer.composer.outcomes[f"fallback:{answer.fallback_reason}"] == 1


def test_a_local_models_checked_reply_reaches_the_client_whole_and_streamed(demo_settings: Settings,
                                                                            tmp_path: Path):
    answerer = build_answerer(_settings(demo_settings, _tiny_model(tmp_path / "fixed", fixed=True), 1))
    answer = answerer.answer("科技贷最多能贷多少？")
    assert answer.composer == "llm", answer.fallback_reason
    assert answer.answer.startswith(FIXED_REPLY) and "来源：[1]" in answer.answer
    assert "以本行审批结果为准" in answer.answer
    events = list(answerer.stream("科技贷最多能贷多少？"))
    assert "".join(e.text for e in events if e.kind == "delta") == FIXED_REPLY
    assert events[-1].kind == "final" and events[-1].answer.composer == "llm" and not events[-1].retracted


def test_a_missing_local_model_names_the_setting(demo_settings: Settings, tmp_path: Path):
    with pytest.raises(ConfigError, match="SME_LLM_MODEL"):
        build_answerer(_settings(demo_settings, tmp_path / "nowhere", 8))
