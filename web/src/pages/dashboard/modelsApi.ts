// The model catalogue (`GET /v1/models`), for the Dashboard's model picker.
import { api } from "../../api/client";

export interface ModelCard {
  id: string;
  object: "model";
  task: string;
  context_window: number;
  pricing: { input_per_million_usd: string; output_per_million_usd: string };
}

export async function listModels(signal?: AbortSignal): Promise<ModelCard[]> {
  const list = await api<{ data: ModelCard[] }>("GET", "/v1/models", { signal });
  return list.data;
}
