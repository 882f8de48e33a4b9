/**
 * Recipe: an OpenAI-compatible streaming chat completion over server-sent events (OpenAI, vLLM, Ollama, LiteLLM,
 * llama.cpp's server all speak it).
 *
 * Config: targets.llm = the API base without /v1 ('https://api.example.com'), secrets.llmApiKey, variables.llmModel.
 * Each event's data is a JSON chunk with `choices[0].delta.content`; the stream ends with `data: [DONE]`.
 */
import { journey, step, z } from 'golden-path-prober';

const Chunk = z.object({
  choices: z.array(z.object({ delta: z.object({ content: z.string().nullish() }).passthrough() })),
});

export default journey({
  name: 'llm-stream',
  description: 'stream a chat completion and get an answer that uses our message',
  capability: 'Users get streamed answers',
  needs: { secrets: ['llmApiKey'], variables: ['llmModel'] },
  steps: [
    step('llm.complete', { service: 'llm', timeoutMs: 30_000 }, async (ctx) => {
      const nonce = `probe-${Date.now()}`;
      const stream = await ctx.sse.open(`${ctx.target('llm')}/v1/chat/completions`, {
        bearer: ctx.secret('llmApiKey'),
        json: {
          model: ctx.variable('llmModel'),
          stream: true,
          messages: [{ role: 'user', content: `Repeat this word exactly: ${nonce}` }],
        },
      });
      const hasText = (data: unknown) => Chunk.safeParse(data).data?.choices[0]?.delta.content != null;
      await stream.waitFor((e) => hasText(e.data), { describe: 'first token' });
      ctx.record('firstTokenMs', ctx.elapsedMs());
      await stream.waitFor((e) => e.data === '[DONE]', { describe: '[DONE]' });
      ctx.record('completeMs', ctx.elapsedMs());
      const text = stream.events
        .filter((e) => e.data !== '[DONE]')
        .map((e) => {
          const chunk = Chunk.safeParse(e.data);
          if (!chunk.success) return ctx.fail('contract', 'a stream chunk is not a chat.completion.chunk');
          return chunk.data.choices[0]?.delta.content ?? '';
        })
        .join('');
      if (!text.includes(nonce))
        ctx.fail('assertion', `the streamed answer (${text.length} chars) does not contain our word`);
    }),
  ],
});
