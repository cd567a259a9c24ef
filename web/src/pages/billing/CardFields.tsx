// The new-card fields of the checkout forms: number, expiry, CVC and billing country.
import { countries } from "./countries";
import { formatExpiry, groupCardNumber } from "./money";
import type { CardInput } from "./types";

export const EMPTY_CARD: CardInput = { number: "", exp: "", cvc: "", country: "US" };

export function CardFields({ card, onChange }: { card: CardInput; onChange: (card: CardInput) => void }) {
  const set = (patch: Partial<CardInput>) => onChange({ ...card, ...patch });
  return (
    <div className="card-fields">
      <label className="wide">
        Card number
        <input
          required
          inputMode="numeric"
          autoComplete="cc-number"
          placeholder="4242 4242 4242 4242"
          value={card.number}
          onChange={(e) => set({ number: groupCardNumber(e.target.value) })}
        />
      </label>
      <label>
        Expiry
        <input
          required
          inputMode="numeric"
          autoComplete="cc-exp"
          placeholder="MM/YY"
          value={card.exp}
          onChange={(e) => set({ exp: formatExpiry(e.target.value) })}
        />
      </label>
      <label>
        CVC
        <input
          required
          inputMode="numeric"
          autoComplete="cc-csc"
          placeholder="123"
          maxLength={4}
          value={card.cvc}
          onChange={(e) => set({ cvc: e.target.value.replace(/\D/g, "") })}
        />
      </label>
      <label className="wide">
        Country
        <select autoComplete="country" value={card.country} onChange={(e) => set({ country: e.target.value })}>
          {countries().map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** The card as the API takes it (digits only). */
export function cardBody(card: CardInput): CardInput {
  return { ...card, number: card.number.replace(/\D/g, "") };
}
