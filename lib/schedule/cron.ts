/**
 * Cron expressions as Temporal Schedules take them (`spec.cronExpressions`): five fields
 * (minute hour day-of-month month day-of-week) or a macro (@daily, @hourly, …, @every 2h).
 * Checked here before they reach the server, so a mistake names the field and the wrong value
 * instead of coming back as a gRPC error.
 */
import { UserInputError } from '../errors';

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 0 and 7 are both Sunday.
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const EVERY = /^@every\s+(\d+(ms|s|m|h))+$/;

function fail(expression: string, why: string): never {
  throw new UserInputError(
    `bad cron "${expression}": ${why} (write five fields, minute hour day-of-month month day-of-week, e.g. "0 6 * * *", or @daily)`,
  );
}

function value(expression: string, field: Field, text: string): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  // Month names count from 1, day names from 0 (SUN).
  if (named >= 0) return field.names === MONTHS ? named + 1 : named;
  if (!/^\d+$/.test(text))
    fail(
      expression,
      `${field.name} "${text}" is not a number${field.names ? ` or a name (${field.names.join(', ')})` : ''}`,
    );
  const number = Number(text);
  if (number < field.min || number > field.max)
    fail(expression, `${field.name} ${number} is outside ${field.min}–${field.max}`);
  return number;
}

function checkField(expression: string, field: Field, text: string): void {
  for (const part of text.split(',')) {
    if (part === '') fail(expression, `${field.name} "${text}" has an empty list item`);
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) fail(expression, `${field.name} "${part}" has more than one step`);
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0))
      fail(expression, `${field.name} step "${step}" must be a whole number > 0`);
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) fail(expression, `${field.name} "${range}" is not a value or a range a-b`);
    const [start, end] = bounds.map((bound) => value(expression, field, bound));
    if (end !== undefined && end < start) fail(expression, `${field.name} range "${range}" ends before it starts`);
  }
}

/** The expression, trimmed, when Temporal will accept it; a UserInputError naming the problem otherwise. */
export function checkCron(expression: string): string {
  const text = expression.trim().replace(/\s+/g, ' ');
  if (text === '') fail(expression, 'it is empty');
  if (/^CRON_TZ=|^TZ=/i.test(text)) fail(expression, 'give the time zone with --timezone, not inside the expression');
  if (text.startsWith('@')) {
    if (MACROS.includes(text.toLowerCase()) || EVERY.test(text)) return text;
    fail(expression, `unknown macro "${text}"; known: ${MACROS.join(', ')}, @every <duration>`);
  }
  const parts = text.split(' ');
  if (parts.length !== FIELDS.length)
    fail(expression, `it has ${parts.length} field${parts.length === 1 ? '' : 's'}, not 5`);
  parts.forEach((part, index) => checkField(expression, FIELDS[index], part));
  return text;
}
