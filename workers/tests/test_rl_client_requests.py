"""The requests RL trainers and inference clients send, byte for byte their JSON, against `serve-model`.

None of these packages is installed here: openrlhf 0.11.2 cannot be imported without pylatexenc and
aiohttp, which `pip install --no-deps openrlhf` leaves out; verl 0.9.1's reward_loop.py imports ray at
the top; llamafactory 0.9.5 pins transformers<=5.6 and trl<=0.24; vllm is a CUDA build. Each request below is built the way the client's code builds it, cited by package version,
file and line; every score must equal what `python -m reward_studio score` gives the same
conversation and response.

OpenRLHF and verl send no Authorization header (no option for one), so this server runs without
--api-key; the OpenAI-style clients send `Authorization: Bearer <key>` anyway (ignored then).
test_rl_grpo_remote_reward.py checks the key.
"""

from __future__ import annotations

import math

import pytest

from rl_server import RewardServer, reward_checkpoint, score_with_cli

CONVERSATIONS = [
    ([{"role": "user", "content": "What colour is the square?"}], "The square is red."),
    ([{"role": "system", "content": "You are a helpful assistant."},
      {"role": "user", "content": "Describe the image."}], "A blue circle on a grey background."),
    ([{"role": "user", "content": "What shape is shown?"}, {"role": "assistant", "content": "A star."},
      {"role": "user", "content": "And its colour?"}], "It is yellow, I think."),
]
MODEL = "tiny-reward"  # what a client puts in "model" (verl: the reward model's path; vLLM: the served name)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, tiny_text):
    return reward_checkpoint(tiny_text, tmp_path_factory.mktemp("rl") / "reward-ckpt")


@pytest.fixture(scope="module")
def expected(checkpoint, tmp_path_factory):
    """`python -m reward_studio score` on a data file holding each conversation and its response."""
    # `score` wants at least two responses per item; the second is a filler, each is scored on its own
    rows = [{"id": f"c{i}", "messages": messages, "response": [response, "No."]}
            for i, (messages, response) in enumerate(CONVERSATIONS)]
    scores = score_with_cli(checkpoint, rows, tmp_path_factory.mktemp("rl-score"))
    assert all(len(s) == 2 and math.isfinite(s[0]) for s in scores)
    assert len({round(s[0], 5) for s in scores}) == len(scores)  # different texts, different rewards
    return [s[0] for s in scores]


@pytest.fixture(scope="module")
def server(checkpoint):
    srv = RewardServer(checkpoint, api_key=False)
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture(scope="module")
def tokenizer(checkpoint):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(checkpoint))


def test_openrlhf_get_reward(server, tokenizer, expected):
    """OpenRLHF 0.11.2, SingleTurnAgentExecutor (openrlhf/utils/agent.py) with --reward.remote_url <url>/get_reward."""
    for (messages, response), want in zip(CONVERSATIONS, expected, strict=True):
        # the prompt: openrlhf/datasets/prompts_dataset.py:37 (--data.apply_chat_template), label "" (:44)
        prompt = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        # agent.py:216 tokenizes the prompt without special tokens; the engine's tokens follow it (:255)
        prompt_ids = tokenizer(text=prompt, add_special_tokens=False)["input_ids"]
        for action_ids in (
            tokenizer(response + "<|im_end|>", add_special_tokens=False)["input_ids"],  # finished with EOS
            tokenizer(response, add_special_tokens=False)["input_ids"],  # finish_reason "length": no EOS
        ):
            # agent.py:288: the whole sequence decoded with special tokens kept
            query = tokenizer.decode(prompt_ids + action_ids, skip_special_tokens=False)
            # agent.py:341-345: one shard per server, one query per rollout (:292); aiohttp json=, no other
            # headers (:350-351), ClientTimeout(total=180) (:331)
            payload = {"query": [query], "prompts": [prompt], "labels": [""]}
            status, answer = server.post("/get_reward", payload, key=None, timeout=180)
            assert status == 200, (payload, answer)
            # agent.py:295-301 reads "rewards", "scores" (else rewards) and "extra_logs"
            assert set(answer) >= {"rewards", "scores", "extra_logs"} and isinstance(answer["extra_logs"], dict)
            assert answer["rewards"][0] == pytest.approx(want, abs=1e-4), query
            assert answer["scores"][0] == pytest.approx(want, abs=1e-4)


def test_verl_reward_loop_classify(server, tokenizer, expected):
    """verl 0.9.1, RewardLoopWorker.compute_score_disrm with a vLLM reward model (verl/experimental/reward_loop/reward_loop.py)."""
    for (messages, response), want in zip(CONVERSATIONS, expected, strict=True):
        # reward_loop.py:211-214: the response decoded, the EOS text removed, appended as the assistant turn;
        # :216-220 the chat template without a generation prompt; :224-227 a leading BOS dropped
        rollout = tokenizer.decode(tokenizer(response + "<|im_end|>", add_special_tokens=False)["input_ids"])
        rollout = rollout.replace(tokenizer.eos_token, "")
        rm_prompt = tokenizer.apply_chat_template(messages + [{"role": "assistant", "content": rollout}],
                                                  add_generation_prompt=False, tokenize=False)
        if tokenizer.bos_token is not None and rm_prompt.startswith(tokenizer.bos_token):
            rm_prompt = rm_prompt[len(tokenizer.bos_token):]
        # reward_loop.py:236-241 the payload, POST http://{address}/classify with aiohttp json= (:158, :165)
        payload = {"model": MODEL, "input": rm_prompt, "use_activation": False}
        status, output = server.post("/classify", payload, key=None)
        assert status == 200, (payload, output)
        assert output["data"][-1]["probs"][-1] == pytest.approx(want, abs=1e-4), rm_prompt  # reward_loop.py:242


def test_vllm_classify_client_list_input(server, tokenizer, expected):
    """vLLM's classification client: POST /classify {"model", "input": [texts]} (vllm 0.34.0
    vllm/entrypoints/pooling/classify/protocol.py:26-33 and base/protocol.py:212-214, 359-365), with the
    Bearer header OpenAI-style clients always send. `use_activation` left out: the pooler's default, the
    sigmoid of a one-label model's logit."""
    texts = [tokenizer.apply_chat_template(messages + [{"role": "assistant", "content": response}], tokenize=False)
             for messages, response in CONVERSATIONS]
    headers = {"accept": "application/json"}
    status, output = server.post("/classify", {"model": MODEL, "input": texts}, key="EMPTY", headers=headers)
    assert status == 200, output
    assert output["object"] == "list" and output["model"] == MODEL and output["id"]
    assert isinstance(output["created"], int) and output["usage"]["prompt_tokens"] > 0
    assert [d["index"] for d in output["data"]] == list(range(len(texts)))
    for data, want in zip(output["data"], expected, strict=True):
        assert data["num_classes"] == 1 and len(data["probs"]) == 1 and isinstance(data["label"], str)
        assert data["probs"][0] == pytest.approx(1 / (1 + math.exp(-want)), abs=1e-4)
    # use_activation false (and older clients' `activation`): the raw reward
    for flag in ("use_activation", "activation"):
        status, raw = server.post("/classify", {"model": MODEL, "input": texts, flag: False}, key="EMPTY")
        assert status == 200, raw
        assert [d["probs"][-1] for d in raw["data"]] == pytest.approx(expected, abs=1e-4)


def test_llamafactory_score_evaluation(server, tokenizer, expected):
    """LLaMA-Factory 0.9.5's reward-model API: ScoreEvaluationRequest {"model", "messages": [str]}
    (llamafactory/api/protocol.py:146-149) -> ScoreEvaluationResponse (:152-156), Bearer key (api/app.py:79-84, route :112-122)."""
    texts = [tokenizer.apply_chat_template(messages + [{"role": "assistant", "content": response}], tokenize=False)
             for messages, response in CONVERSATIONS]
    status, answer = server.post("/v1/score/evaluation", {"model": MODEL, "messages": texts}, key="EMPTY")
    assert status == 200, answer
    assert answer["object"] == "score.evaluation" and answer["model"] == MODEL and answer["id"]
    assert answer["scores"] == pytest.approx(expected, abs=1e-4)
