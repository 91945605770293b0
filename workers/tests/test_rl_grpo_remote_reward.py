"""RL smoke test: TRL's GRPOTrainer trains a tiny policy against `reward-studio serve-model` over HTTP.

The reward function is a remote reward model client the way OpenRLHF's is (openrlhf 0.11.2,
openrlhf/utils/agent.py:288-292 and 341-351): the whole sequence rendered to text with special tokens
kept, one sample per POST /get_reward, `rewards` read back. The test checks that what the trainer logs
is what the server answered, and that another endpoint (/score-batch, the conversation as OpenAI
messages) scores the same completions the same.
"""

from __future__ import annotations

import math

import pytest

from rl_server import RewardServer, request, reward_checkpoint

PROMPTS = ["What colour is the square?", "Describe the image.", "Is the circle red?", "What shape is shown?",
           "Which colour is brighter?", "Is it a star or a circle?", "What is on the left?", "Say yes or no."]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, tiny_text):
    return reward_checkpoint(tiny_text, tmp_path_factory.mktemp("rl") / "reward-ckpt")


@pytest.fixture(scope="module")
def server(checkpoint):
    srv = RewardServer(checkpoint)
    try:
        yield srv
    finally:
        srv.close()


def test_request_without_the_key_is_refused(server):
    body = {"query": ["<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>"]}
    status, answer = server.post("/get_reward", body, key=None)
    assert status == 401, answer
    assert server.post("/get_reward", body, key="not-the-key")[0] == 401
    assert request(f"{server.url}/health")[0] == 401
    assert server.post("/get_reward", body)[0] == 200


def test_grpo_rewards_are_the_servers(server, tiny_text, tmp_path):
    import torch
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    torch.set_num_threads(1)
    tokenizer = AutoTokenizer.from_pretrained(str(tiny_text))
    calls: list[list[dict]] = []  # one list per reward call (one per training step here)

    def server_reward(prompts, completions, **kwargs):
        """OpenRLHF's remote reward model client, one sample per request."""
        rewards, call = [], []
        for prompt, completion in zip(prompts, completions, strict=True):
            text = tokenizer.apply_chat_template(prompt + completion, tokenize=False)
            prompt_text = tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)
            status, answer = server.post("/get_reward", {"query": [text], "prompts": [prompt_text], "labels": [""]})
            assert status == 200, (text, answer)
            reward = answer["rewards"][0]
            assert answer["scores"] == [reward] and isinstance(reward, float) and math.isfinite(reward)
            rewards.append(reward)
            call.append({"prompt": prompt, "completion": completion[0]["content"], "text": text, "reward": reward})
        calls.append(call)
        return rewards

    dataset = Dataset.from_list([{"prompt": [{"role": "user", "content": p}]} for p in PROMPTS])
    args = GRPOConfig(
        output_dir=str(tmp_path / "grpo"), use_cpu=True, bf16=False, fp16=False, seed=0,
        per_device_train_batch_size=4, num_generations=2, gradient_accumulation_steps=1, steps_per_generation=1,
        max_completion_length=8, max_steps=3, learning_rate=1e-3, beta=0.0, logging_steps=1,
        report_to="none", save_strategy="no", dataloader_num_workers=0, disable_tqdm=True,
        model_init_kwargs={"dtype": torch.float32},
    )
    trainer = GRPOTrainer(model=str(tiny_text), reward_funcs=server_reward, args=args, train_dataset=dataset,
                          processing_class=tokenizer)
    trainer.train()

    logged = [entry for entry in trainer.state.log_history if "rewards/server_reward/mean" in entry]
    assert [entry["step"] for entry in logged] == [1, 2, 3]
    assert len(calls) == 3 and all(len(call) == 4 for call in calls)
    for entry, call in zip(logged, calls):
        mean = sum(one["reward"] for one in call) / len(call)
        assert entry["rewards/server_reward/mean"] == pytest.approx(mean, abs=1e-5)
        assert entry["reward"] == pytest.approx(mean, abs=1e-5)  # one reward function, weight 1

    # The same completions through another endpoint: the conversation as messages, the completion as the response.
    samples = [one for call in calls for one in call]
    assert all(one["completion"] for one in samples), "an empty completion: /score-batch cannot take it"
    status, answer = server.post("/score-batch", {"items": [
        {"messages": one["prompt"], "responses": [one["completion"]]} for one in samples]})
    assert status == 200, answer
    for one, result in zip(samples, answer["results"], strict=True):
        assert result["scores"][0] == pytest.approx(one["reward"], abs=1e-4), one["text"]
    # a random policy gives different completions different rewards (the server is not answering a constant)
    assert len({round(one["reward"], 6) for one in samples}) > 1
