// sscard-kiosk's page: draws the state the kiosk program sends on /events
// and sends each touch to /input. No behaviour here: what a touch means, and
// every text, comes from the kiosk's state machine (docs/kiosk.md).
'use strict';

const $ = (id) => document.getElementById(id);
let spoken = null;

function send(key, value) {
  const body = value === undefined ? { key } : { key, value };
  fetch('/input', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    credentials: 'same-origin', cache: 'no-store',
  }).catch(() => {});
}

function button(action) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = action.label;
  element.className = 'action ' + action.kind;
  element.dataset.key = action.key;
  if (action.value !== undefined) element.dataset.value = JSON.stringify(action.value);
  element.addEventListener('click', () => send(action.key, action.value));
  return element;
}

function paragraphs(container, texts) {
  container.replaceChildren(...texts.map((text) => {
    const p = document.createElement('p');
    p.textContent = text;
    return p;
  }));
}

function renderPin(pin) {
  $('pin').hidden = !pin;
  if (!pin) {
    $('dots').textContent = '';
    $('pad').replaceChildren();
    return;
  }
  // Only a count ever reaches the page: dots, never digits.
  $('dots').textContent = '●'.repeat(pin.dots) || '\u00a0';
  $('dots').dataset.count = String(pin.dots);
  if ($('pad').childElementCount !== pin.pad.length) {
    $('pad').replaceChildren(...pin.pad.map((digit) => {
      const element = document.createElement('button');
      element.type = 'button';
      element.textContent = String(digit);
      element.addEventListener('click', () => send('digit', digit));
      return element;
    }));
  }
}

function renderControls(controls) {
  $('language').textContent = controls.language.label;
  $('language').onclick = () => send('language', controls.language.value);
  $('large-text').textContent = controls.largeText.label;
  $('large-text').setAttribute('aria-pressed', String(controls.largeText.on));
  $('large-text').onclick = () => send('largeText');
  const speech = controls.speech;
  $('speech').hidden = !speech;
  if (!speech) return;
  $('mute').textContent = speech.muteLabel;
  $('mute').setAttribute('aria-pressed', String(speech.muted));
  $('mute').onclick = () => send('mute');
  $('replay').textContent = speech.replayLabel;
  $('replay').onclick = () => { spoken = null; if (latest) speak(latest); };
  $('volume-label').textContent = speech.volumeLabel + ' ' + speech.volume;
  $('volume-up').onclick = () => send('volumeUp');
  $('volume-down').onclick = () => send('volumeDown');
}

function speak(model) {
  const speech = model.controls.speech;
  const voice = $('voice');
  if (!speech) return;
  voice.volume = speech.volume / 100;
  voice.muted = speech.muted;
  const source = '/speech/' + model.prompt + '.' + model.lang + '.wav';
  if (source === spoken) return;
  spoken = source;
  voice.dataset.prompt = source;
  if (speech.muted) return;
  voice.src = source;
  voice.play().catch(() => {});
}

let latest = null;
function render(model) {
  latest = model;
  document.documentElement.lang = model.lang === 'zh' ? 'zh-CN' : 'en';
  document.body.className = 'screen-' + model.screen + (model.largeText ? ' large' : '') + (model.busy ? ' busy' : '');
  document.body.dataset.screen = model.screen;
  document.title = model.title;
  $('title').textContent = model.title;
  $('heading').textContent = model.heading;
  paragraphs($('lines'), model.lines);
  paragraphs($('emphasis'), model.emphasis);
  renderPin(model.pin);
  $('actions').replaceChildren(...model.actions.map(button));
  $('warning').hidden = !model.warning;
  if (model.warning) {
    $('warning-text').textContent = model.warning.text;
    $('warning-actions').replaceChildren(button(model.warning.action));
  }
  renderControls(model.controls);
  speak(model);
}

const events = new EventSource('/events');
events.onopen = () => { $('offline').hidden = true; };
events.onmessage = (event) => render(JSON.parse(event.data));
events.onerror = () => { if (events.readyState === EventSource.CLOSED) $('offline').hidden = false; };
