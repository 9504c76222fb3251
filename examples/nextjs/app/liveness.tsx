'use client';
import { useState } from 'react';
import { LivenessCapture } from 'liveness-capture/react';

export function Liveness() {
  const [result, setResult] = useState('');
  return (
    <>
      <LivenessCapture
        endpoint="/backend/antispoofing"
        autostart
        threshold={0.6}
        headers={{ 'x-example': 'nextjs' }}
        onLivenessPass={(e) => setResult(`pass ${e.detail.probReal}`)}
        onLivenessFail={(e) => setResult(`fail ${e.detail.probReal}`)}
        onLivenessError={(e) => setResult(`error ${e.detail.code}`)}
      />
      <p id="result">{result}</p>
    </>
  );
}
