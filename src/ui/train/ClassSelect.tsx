import type { Ref } from 'preact';
import type { TrainerState } from './trainer-store';

/** A choice among the trainer's classes but one (`except`: the class the choice is for), by class key; -1: none yet. */
export function ClassSelect({
  id,
  classes,
  except,
  value,
  onChange,
  selectRef,
  testId,
}: {
  id: string;
  classes: TrainerState['classes'];
  except: number;
  value: number;
  onChange: (key: number) => void;
  selectRef?: Ref<HTMLSelectElement>;
  testId?: string;
}) {
  return (
    <select
      id={id}
      ref={selectRef}
      data-testid={testId}
      value={value}
      onChange={(event) => onChange(Number(event.currentTarget.value))}
    >
      <option value={-1}>choose a class</option>
      {classes.map((c, i) =>
        i === except ? null : (
          <option key={c.key} value={c.key}>
            {c.name}
          </option>
        ),
      )}
    </select>
  );
}
