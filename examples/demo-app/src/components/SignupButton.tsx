import React from 'react';
import { track as ampTrack, setUserId } from '@amplitude/analytics-browser';

export function SignupButton({ email }: { email: string }) {
  const onClick = () => {
    setUserId(email);
    ampTrack('Signup Clicked', { source: 'header' });
  };
  return <button onClick={onClick}>Sign up</button>;
}
