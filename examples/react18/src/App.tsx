import { useEffect, useRef, useState } from 'react';
import { LivenessCapture } from 'liveness-capture/react';
import type { LivenessCapture as LivenessCaptureElement } from 'liveness-capture';

export function App() {
  const [result, setResult] = useState('');
  const [tag, setTag] = useState('');
  const ref = useRef<LivenessCaptureElement>(null);
  useEffect(() => setTag(ref.current?.localName ?? ''), []);
  return (
    <>
      <LivenessCapture
        ref={ref}
        endpoint="/backend/antispoofing"
        autostart
        threshold={0.6}
        headers={{ 'x-example': 'react18' }}
        onLivenessPass={(e) => setResult(`pass ${e.detail.probReal}`)}
        onLivenessFail={(e) => setResult(`fail ${e.detail.probReal}`)}
        onLivenessError={(e) => setResult(`error ${e.detail.code}`)}
      />
      <p id="result">{result}</p>
      <p id="ref">{tag}</p>
    </>
  );
}
